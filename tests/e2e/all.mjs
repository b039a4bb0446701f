// The real-window tests, one after the other (each with its own data home and app).
import { officerFlow } from "./officer.mjs";
import { crashFlow } from "./crash.mjs";
import { idcardFlow } from "./idcard.mjs";
import { ceremonyFlow, firstRunFlow, layoutFlow, lockoutFlow, pushToTalkFlow, typedFlow } from "./trust.mjs";
import { log } from "./lib/harness.mjs";
import { conventionsFlow, lineBreakFlow, ownRecordsFlow } from "./conventions.mjs";
import { closeFailFlow, languageFlow } from "./errors.mjs";

const only = process.argv.slice(2);
const tests = { officer: officerFlow, crash: crashFlow, typed: typedFlow, ceremony: ceremonyFlow, lockout: lockoutFlow, layout: layoutFlow, ptt: pushToTalkFlow, firstrun: firstRunFlow, idcard: idcardFlow };
Object.assign(tests, { conventions: conventionsFlow, own: ownRecordsFlow, linebreak: lineBreakFlow });
Object.assign(tests, { language: languageFlow, closefail: closeFailFlow });
let failed = 0;
for (const [name, run] of Object.entries(tests)) {
  if (only.length && !only.includes(name)) continue;
  const t0 = Date.now();
  try {
    await run();
    log(`PASS ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    log(`FAIL ${name}: ${e.stack || e}`);
  }
}
process.exit(failed ? 1 : 0);
