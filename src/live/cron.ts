/**
 * The cron trigger (every minute). Live jobs arrive with the livestream work; until then
 * there is nothing for it to wake, and it stays a cheap no-op so the trigger is wired and tested.
 */
export async function scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {}
