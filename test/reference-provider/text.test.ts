import { describe, expect, it } from "vitest";
import { keywords, sentimentOf, summarize } from "../../reference-provider/text/analysis";

describe("text models on known answers", () => {
  it("sentiment: praise is positive, complaint negative, a plain statement neutral, on the seed's -1..1 scale", () => {
    expect(sentimentOf("I love this wonderful movie, the acting is excellent and the story is great")).toMatchObject({ label: "positive" });
    expect(sentimentOf("This was a terrible, boring film and I hated the awful ending")).toMatchObject({ label: "negative" });
    expect(sentimentOf("The train leaves the station at nine in the morning")).toEqual({ score: 0, label: "neutral" });
    for (const t of ["great great great", "bad bad bad"]) expect(Math.abs(sentimentOf(t).score)).toBeLessThanOrEqual(1);
  });

  it("keywords: the content words a text repeats, without stop words", () => {
    const k = keywords(["the football match in london", "football fans in london cheered", "the match ended late"]);
    expect(k.slice(0, 3).map((x) => x.word).sort()).toEqual(["football", "london", "match"]);
    expect(k.map((x) => x.word)).not.toContain("the");
  });

  it("summary: the sentences that use the text's main words, in their order", () => {
    const s = summarize(["the election results came in tonight", "a cat sat on a mat", "voters waited for the election results", "it rained"], 2);
    expect(s).toBe("the election results came in tonight. voters waited for the election results");
    expect(summarize([])).toBe("");
  });
});
