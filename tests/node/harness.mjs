// What every scenario file shares: PASS/FAIL lines that tests/test_node_sdk.py reads, one line per check.
const out = [];
export const ok = (name, cond, extra = "") => { out.push(`${cond ? "PASS" : "FAIL"} ${name} ${cond ? "" : extra}`); };
export const scenario = async (name, fn) => {
  try { await fn(); } catch (e) { out.push(`FAIL ${name} threw ${e?.constructor?.name}: ${e?.message}`); }
};
export const failsWith = async (fn) => { try { await fn(); return null; } catch (e) { return e; } };
export const poll = { pollIntervalMs: 10 };
// Prints the lines gathered since the last report (each scenario file reports once, at its end).
export const report = () => { console.log(out.splice(0).join("\n")); };
