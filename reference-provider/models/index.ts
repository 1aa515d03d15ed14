import { runAsr } from "./asr";
import { runBlack } from "./black";
import { runLoudness } from "./loudness";
import { runOcr } from "./ocr";
import { runShot } from "./shot";
import { runSilence } from "./silence";
import { runSentiment, runSummary, runTopics } from "./speech-text";
import { REFERENCE_MODELS } from "../../src/providers/reference-models";
import type { ReferenceModel } from "./types";

const RUNNERS: Record<string, ReferenceModel["run"]> = { shot: runShot, ocr: runOcr, black: runBlack, silence: runSilence, loudness: runLoudness, asr: runAsr, sentiment: runSentiment, topics: runTopics, summary: runSummary };

export const MODELS: Record<string, ReferenceModel> = Object.fromEntries(
  REFERENCE_MODELS.map((spec) => {
    const run = RUNNERS[spec.name];
    if (!run) throw new Error(`reference model ${spec.name} has no implementation`);
    return [spec.name, { spec, run }];
  }),
);
