import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../src/providers/workers-ai/language";

describe("language detection of a text to translate (franc-min)", () => {
  it("tells known texts apart and answers ISO 639-1 codes", () => {
    expect(detectLanguage("The weather is lovely today and we are going to the beach with the children.")).toBe("en");
    expect(detectLanguage("El tiempo es muy agradable hoy y vamos a la playa con los niños.")).toBe("es");
    expect(detectLanguage("Le temps est magnifique aujourd'hui et nous allons à la plage avec les enfants.")).toBe("fr");
    expect(detectLanguage("Das Wetter ist heute schön und wir gehen mit den Kindern an den Strand.")).toBe("de");
    expect(detectLanguage("Il tempo è bellissimo oggi e andiamo al mare con i bambini e i nonni.")).toBe("it");
  });

  it("does not guess from too little text", () => {
    expect(detectLanguage("Hi")).toBeNull();
    expect(detectLanguage("")).toBeNull();
  });
});
