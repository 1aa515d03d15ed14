// A stand-in for the Media Transformations binding (env.MEDIA) in tests: it does not run
// offline. It enforces the documented method chain and options (input(stream) → transform?
// → output) and answers fixture media: a JPEG for frames, an M4A for audio. Every output call
// is recorded.

const TIME = /^\d+(\.\d+)?(s|ms|m)$/;
const OUTPUT_KEYS = ["mode", "audio", "time", "duration", "imageCount", "format"];
const TRANSFORM_KEYS = ["fit", "width", "height"];

function fromBase64(s) {
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export default function (env) {
  const frame = fromBase64(env.frame_jpg);
  const audio = fromBase64(env.audio_m4a);
  const outputs = [];

  function output(inputBytes, transform, opts = {}) {
    for (const k of Object.keys(opts)) if (!OUTPUT_KEYS.includes(k)) throw Object.assign(new Error(`unknown output option ${k}`), { code: 400 });
    if (!["video", "spritesheet", "frame", "audio"].includes(opts.mode)) throw Object.assign(new Error(`bad mode ${opts.mode}`), { code: 400 });
    for (const k of ["time", "duration"]) if (opts[k] !== undefined && !TIME.test(opts[k])) throw Object.assign(new Error(`bad ${k} ${opts[k]}`), { code: 400 });
    if (opts.mode === "frame" && opts.format !== undefined && !["jpg", "png"].includes(opts.format)) throw Object.assign(new Error("frames are jpg or png"), { code: 400 });
    if (opts.mode === "audio" && opts.format !== undefined && opts.format !== "m4a") throw Object.assign(new Error("audio is m4a"), { code: 400 });
    const media = opts.mode === "audio" ? audio : frame;
    const type = opts.mode === "audio" ? "audio/mp4" : "image/jpeg";
    const done = inputBytes.then((bytes) => {
      // Media Transformations reads MP4 input.
      if (String.fromCharCode(...bytes.slice(4, 8)) !== "ftyp") throw Object.assign(new Error("input is not an MP4 file"), { code: 415 });
      outputs.push({ input_bytes: bytes.length, transform, output: opts });
    });
    return {
      async media() {
        await done;
        return new Response(media).body;
      },
      async response() {
        await done;
        return new Response(media, { headers: { "content-type": type } });
      },
      async contentType() {
        return type;
      },
    };
  }

  return {
    input(stream) {
      if (!(stream instanceof ReadableStream)) throw new TypeError("input() takes a ReadableStream");
      const inputBytes = new Response(stream).arrayBuffer().then((b) => new Uint8Array(b));
      return {
        transform(options = {}) {
          for (const k of Object.keys(options)) if (!TRANSFORM_KEYS.includes(k)) throw Object.assign(new Error(`unknown transform option ${k}`), { code: 400 });
          if (options.width !== undefined && !(Number.isInteger(options.width) && options.width >= 10 && options.width <= 2000)) throw Object.assign(new Error("width"), { code: 400 });
          if (options.fit !== undefined && !["contain", "cover", "scale-down"].includes(options.fit)) throw Object.assign(new Error("fit"), { code: 400 });
          return { output: (opts) => output(inputBytes, options, opts) };
        },
        output: (opts) => output(inputBytes, null, opts),
      };
    },
    /** Test-only: the outputs made so far. */
    outputs() {
      return structuredClone(outputs);
    },
  };
}
