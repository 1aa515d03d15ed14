import { type ModelLoad, QUEUE_WINDOW_MINUTES } from "../contract/provider-slots";
import type { ModelBacklog } from "../db/jobs";

/** What GET /queues says of one model or one provider. */
export interface QueueFigures {
  /** Parts of active jobs neither tagged, given up, nor at a provider now. */
  pending: number;
  in_flight: number;
  /** Of the pending parts, those in line at a busy provider now. */
  waiting: number;
  /** From when a part was sent to run to its provider slot, over the window (0: no part started). */
  avg_wait_ms: number;
  /** The longest of those waits, or of a part still in line now. */
  oldest_wait_ms: number;
  /** Provider calls answered in the window, per minute. */
  throughput_per_min: number;
  /** Failed calls ÷ ended calls in the window (0 when none ended). */
  error_rate: number;
  /** Ended calls and failed calls in the window. */
  completed: number;
  errors: number;
}

/** A catalog model and its providers' ids, first choice first. */
export interface ModelRoute {
  model: string;
  providers: string[];
}

/** Loads added up over tenants (and providers), with the backlog's open parts. */
type Sums = Omit<ModelLoad, "tenant" | "model"> & { open: number };

const zero = (): Sums => ({ open: 0, in_flight: 0, waiting: 0, started: 0, wait_sum_ms: 0, oldest_wait_ms: 0, completed: 0, errors: 0 });

function add(into: Sums, l: ModelLoad): void {
  into.in_flight += l.in_flight;
  into.waiting += l.waiting;
  into.started += l.started;
  into.wait_sum_ms += l.wait_sum_ms;
  into.oldest_wait_ms = Math.max(into.oldest_wait_ms, l.oldest_wait_ms);
  into.completed += l.completed;
  into.errors += l.errors;
}

function figures(s: Sums, pending: number): QueueFigures {
  const ok = s.completed - s.errors;
  return {
    pending,
    in_flight: s.in_flight,
    waiting: s.waiting,
    avg_wait_ms: s.started > 0 ? Math.round(s.wait_sum_ms / s.started) : 0,
    oldest_wait_ms: Math.round(s.oldest_wait_ms),
    throughput_per_min: Math.round((ok / QUEUE_WINDOW_MINUTES) * 100) / 100,
    error_rate: s.completed > 0 ? Math.round((s.errors / s.completed) * 1000) / 1000 : 0,
    completed: s.completed,
    errors: s.errors,
  };
}

/**
 * Per model and per provider, from the active jobs' backlog (D1) and each provider's own record
 * of its slots (ProviderState.queueLoad), both already narrowed to the caller's tenants. A
 * provider's pending parts are those of the models that ask it first.
 */
export function queueFigures(routes: ModelRoute[], backlog: ModelBacklog[], loads: Map<string, ModelLoad[]>) {
  const byModel = new Map<string, Sums>();
  const model = (name: string) => byModel.get(name) ?? byModel.set(name, zero()).get(name)!;
  const activeJobs = new Map<string, number>();
  for (const b of backlog) {
    model(b.model).open += b.open_parts;
    activeJobs.set(b.model, (activeJobs.get(b.model) ?? 0) + b.active_jobs);
  }
  const byProvider = new Map<string, Sums>();
  for (const [provider, rows] of loads) {
    const sums = zero();
    for (const l of rows) {
      add(sums, l);
      add(model(l.model), l);
    }
    byProvider.set(provider, sums);
  }
  const pendingOf = (s: Sums) => Math.max(0, s.open - s.in_flight);

  // Every catalog model is listed, idle or not; a model no longer in the catalog while its parts still run too.
  for (const r of routes) model(r.model);
  const providersOfModel = new Map(routes.map((r) => [r.model, r.providers]));
  const models = [...byModel.entries()]
    .map(([name, s]) => ({ model: name, providers: providersOfModel.get(name) ?? [], active_jobs: activeJobs.get(name) ?? 0, ...figures(s, pendingOf(s)) }))
    .sort((a, b) => a.model.localeCompare(b.model));

  const providers = [...byProvider.entries()]
    .map(([id, s]) => {
      const served = routes.filter((r) => r.providers.includes(id)).map((r) => r.model);
      const first = routes.filter((r) => r.providers[0] === id);
      const pending = first.reduce((n, r) => n + pendingOf(byModel.get(r.model) ?? zero()), 0);
      return { id, models: served.sort(), ...figures(s, pending) };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return { models, providers };
}
