// The reference provider as a process: `tsx reference-provider/main.ts` (npm start runs it).
import { startReferenceProvider } from "./server";

const port = Number(process.env.REFERENCE_PROVIDER_PORT ?? 8790);
const { url } = await startReferenceProvider({ port, log: (l) => console.log(`[reference-provider] ${l}`) });
console.log(`[reference-provider] listening on ${url}`);
