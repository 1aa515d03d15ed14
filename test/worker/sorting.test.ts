import { describe, expect, it } from "vitest";
import { call, expectError, json, registerHls, registerModel, startJob, waitFor, type ApiBody } from "./helpers";

describe("sorting lists", () => {
  it("orders /job-status, /{qid}/job-status and /contents by the field asked, newest first by default", async () => {
    for (const m of ["sortb", "sorta", "sortc"]) await registerModel(m);
    await registerHls("sort-z", 1, { title: "Zebra" });
    await registerHls("sort-a", 1, { title: "Aardvark" });
    const ids: string[] = [];
    for (const m of ["sortb", "sorta", "sortc"]) {
      const { jobs } = await startJob("sort-z", { jobs: [{ model: m }] });
      await waitFor("sort-z", jobs[0]!.job_id, ["succeeded"]);
      ids.push(jobs[0]!.job_id);
    }
    const models = async (path: string) => (await json<ApiBody>(await call("GET", path), 200)).jobs.map((j: ApiBody) => j.model);
    expect(await models("/sort-z/job-status")).toEqual(["sortc", "sorta", "sortb"]);
    expect(await models("/sort-z/job-status?sort=model")).toEqual(["sorta", "sortb", "sortc"]);
    expect(await models("/job-status?qid=sort-z&sort=-model")).toEqual(["sortc", "sortb", "sorta"]);
    expect(await models("/job-status?qid=sort-z&sort=created_at")).toEqual(["sortb", "sorta", "sortc"]);
    const titles = async (sort: string) => (await json<ApiBody>(await call("GET", `/contents?limit=1000&sort=${sort}`), 200)).contents.map((c: ApiBody) => c.qid).filter((q: string) => q.startsWith("sort-"));
    expect(await titles("title")).toEqual(["sort-a", "sort-z"]);
    expect(await titles("-title")).toEqual(["sort-z", "sort-a"]);
    await expectError(await call("GET", "/job-status?sort=popularity"), 400, "VALIDATION_ERROR", /sort/);
    await expectError(await call("GET", "/contents?sort=size"), 400, "VALIDATION_ERROR", /sort/);
    expect(ids).toHaveLength(3);
  });
});
