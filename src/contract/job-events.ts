/** A job's event log entries, as the runner answers them and the API serves them. */
export type LogLevel = "debug" | "info" | "warning" | "error";
export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const satisfies readonly LogLevel[];

/** One entry of a job's event log (ClearML's task log events). */
export interface JobLogEvent {
  seq: number;
  timestamp: number;
  level: LogLevel;
  message: string;
  part?: string;
  attempt?: number;
  provider?: string;
}

/** The levels at `minLevel` or above. */
export const levelsFrom = (minLevel: LogLevel): LogLevel[] => LOG_LEVELS.slice(LOG_LEVELS.indexOf(minLevel));
