// A stand-in for the Workers AI binding (env.AI) in tests: Workers AI does not run offline.
// It enforces the documented input of each model, answers the documented output kept in
// test/fixtures/workers-ai, and records every call. Plain JS: miniflare loads it as the module
// of a wrapped binding, outside the TypeScript build.
//
// Extra models for failure tests: "@cf/test/capacity" fails its first two calls with the
// capacity error (3040) then answers like resnet-50; "@cf/test/unknown" is "No such model" (5007).

const isBytes = (v) => Array.isArray(v) && v.length > 0 && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255);
const isLang = (v) => typeof v === "string" && /^[a-z]{2,3}$/.test(v);
const isImage = (v) => isBytes(v) && ((v[0] === 0xff && v[1] === 0xd8) || (v[0] === 0x89 && v[1] === 0x50));

function checkKeys(inputs, allowed, model) {
  for (const k of Object.keys(inputs)) if (!allowed.includes(k)) throw new Error(`5004: Invalid data: ${model} takes no input ${k}`);
}

function fromBase64(s) {
  if (typeof s !== "string" || s.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) throw new Error("5004: Invalid data type for base64 input: audio");
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export default function (env) {
  const fixtures = env.fixtures;
  const calls = [];
  let capacityCalls = 0;

  const handlers = {
    "@cf/openai/whisper-large-v3-turbo"(inputs) {
      checkKeys(inputs, ["audio", "task", "language", "vad_filter", "initial_prompt", "prefix", "beam_size"], "whisper");
      const audio = fromBase64(inputs.audio);
      // What Media Transformations' audio mode makes: an MP4 (M4A) file.
      if (String.fromCharCode(...audio.slice(4, 8)) !== "ftyp") throw new Error("5004: Invalid data: audio is not a supported audio file");
      if (inputs.task !== undefined && !["transcribe", "translate"].includes(inputs.task)) throw new Error("5004: Invalid data: task");
      if (inputs.vad_filter !== undefined && typeof inputs.vad_filter !== "boolean") throw new Error("5004: Invalid data: vad_filter");
      if (inputs.language !== undefined && typeof inputs.language !== "string") throw new Error("5004: Invalid data: language");
      return fixtures.whisper;
    },
    "@cf/facebook/detr-resnet-50"(inputs) {
      checkKeys(inputs, ["image"], "detr");
      if (!isImage(inputs.image)) throw new Error("5004: Invalid data: image must be the bytes of an image (number[])");
      return fixtures.detr;
    },
    "@cf/microsoft/resnet-50"(inputs) {
      checkKeys(inputs, ["image"], "resnet");
      if (!isImage(inputs.image)) throw new Error("5004: Invalid data: image must be the bytes of an image (number[])");
      return fixtures.resnet;
    },
    "@cf/llava-hf/llava-1.5-7b-hf"(inputs) {
      checkKeys(inputs, ["image", "prompt", "max_tokens", "temperature", "top_p", "top_k", "seed"], "llava");
      if (!isImage(inputs.image)) throw new Error("5004: Invalid data: image must be the bytes of an image (number[])");
      if (typeof inputs.prompt !== "string" || inputs.prompt.length === 0) throw new Error("5004: Invalid data: prompt");
      if (inputs.max_tokens !== undefined && !Number.isInteger(inputs.max_tokens)) throw new Error("5004: Invalid data: max_tokens");
      return fixtures.llava;
    },
    "@cf/meta/m2m100-1.2b"(inputs) {
      checkKeys(inputs, ["text", "source_lang", "target_lang"], "m2m100");
      if (typeof inputs.text !== "string" || inputs.text.length === 0) throw new Error("5004: Invalid data: text must be a non-empty string");
      if (!isLang(inputs.target_lang)) throw new Error("5004: Invalid data: target_lang is required (a language code)");
      if (inputs.source_lang !== undefined && !isLang(inputs.source_lang)) throw new Error("5004: Invalid data: source_lang must be a language code");
      // No model here: the answer names the direction it was asked for, so tests can check it.
      return { translated_text: `[${inputs.source_lang ?? "en"}>${inputs.target_lang}] ${inputs.text}` };
    },
    "@cf/meta/llama-3.1-8b-instruct-fast"(inputs) {
      checkKeys(inputs, ["messages", "prompt", "max_tokens", "temperature", "top_p", "top_k", "seed", "response_format", "stream"], "llama-3.1");
      if (inputs.prompt === undefined === (inputs.messages === undefined)) throw new Error("5004: Invalid data: give either prompt or messages");
      if (inputs.messages !== undefined && !(Array.isArray(inputs.messages) && inputs.messages.length > 0 && inputs.messages.every((m) => ["system", "user", "assistant"].includes(m.role) && typeof m.content === "string"))) {
        throw new Error("5004: Invalid data: messages must be [{role, content}]");
      }
      if (inputs.max_tokens !== undefined && !Number.isInteger(inputs.max_tokens)) throw new Error("5004: Invalid data: max_tokens");
      const format = inputs.response_format;
      if (format !== undefined && !(["json_object", "json_schema"].includes(format.type) && (format.type !== "json_schema" || typeof format.json_schema === "object"))) {
        throw new Error("5004: Invalid data: response_format");
      }
      return format?.type === "json_schema" ? fixtures.llamaTopics : fixtures.llamaSummary;
    },
    "@cf/meta/llama-3.2-11b-vision-instruct"(inputs) {
      checkKeys(inputs, ["prompt", "messages", "image", "max_tokens", "temperature", "top_p", "top_k", "seed", "raw", "stream"], "llama-3.2-vision");
      if (typeof inputs.prompt !== "string" || inputs.prompt.length === 0) throw new Error("5004: Invalid data: prompt");
      if (inputs.image !== undefined && !isImage(inputs.image)) throw new Error("5004: Invalid data: image must be the bytes of an image (number[])");
      if (inputs.temperature !== undefined && typeof inputs.temperature !== "number") throw new Error("5004: Invalid data: temperature");
      return fixtures.llamaVision;
    },
    "@cf/test/capacity"(inputs) {
      capacityCalls++;
      if (capacityCalls <= 2) throw new Error("3040: Out of capacity: No more data centers to forward the request to");
      return handlers["@cf/microsoft/resnet-50"](inputs);
    },
  };

  return {
    async run(model, inputs) {
      const summary = {};
      for (const [k, v] of Object.entries(inputs ?? {})) summary[k] = Array.isArray(v) ? `bytes:${v.length}` : typeof v === "string" && v.length > 100 ? `string:${v.length}` : v;
      calls.push({ model, inputs: summary });
      const handler = handlers[model];
      if (!handler) throw new Error(`5007: No such model ${model} or task`);
      return structuredClone(handler(inputs));
    },
    /** Test-only: the calls made so far. */
    calls() {
      return structuredClone(calls);
    },
  };
}
