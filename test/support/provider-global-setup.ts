import type { TestProject } from "vitest/node";
import { startTestProvider } from "./test-provider";

/** Starts the loopback test provider for the worker tests and tells them its URL. */
export default async function setup(project: TestProject) {
  const { server, url } = await startTestProvider();
  project.provide("testProviderUrl", url);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
