export interface StreamInfo {
  name: string;
  language?: string;
  channels?: number;
}

export const isAudioStreamName = (name: string) => name === "audio" || /^audio_\d+$/.test(name);

/**
 * The content's default audio stream: an English 2-channel stream, then English, then
 * 2-channel, then the first audio stream (in name order: audio, audio_1, audio_2 …).
 */
export function defaultAudioStream(streams: StreamInfo[]): string | undefined {
  const audio = streams
    .filter((s) => isAudioStreamName(s.name))
    .sort((a, b) => audioOrder(a.name) - audioOrder(b.name));
  const english = (s: StreamInfo) => (s.language ?? "").toLowerCase().startsWith("en");
  return (
    audio.find((s) => english(s) && s.channels === 2) ??
    audio.find(english) ??
    audio.find((s) => s.channels === 2) ??
    audio[0]
  )?.name;
}

function audioOrder(name: string): number {
  return name === "audio" ? 0 : Number(name.slice("audio_".length)) + 1;
}
