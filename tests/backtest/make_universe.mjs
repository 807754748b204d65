// SPDX-License-Identifier: Apache-2.0
//
// tests/backtest/make_universe.mjs OUT.json N - one analyzer-schema universe
// (necrozma.md §1) with N one-minute candles of a seeded, mildly
// mean-reverting random walk around 1.05: enough bars to keep a backtest
// worker busy for seconds (tests/backtest/backtest_throttle.sh).
import { writeFileSync } from 'node:fs';
const [out, nStr] = process.argv.slice(2);
const n = Number(nStr);
let s = 12345;
const rnd = () => { s = (s + 0x6D2B79F5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const t0 = Date.UTC(2025, 0, 6);
const parts = [];
let p = 1.05;
for (let i = 0; i < n; i++) {
  const o = p;
  const c = o + (rnd() - 0.5) * 0.0008 + (1.05 - o) * 0.001;
  const h = Math.max(o, c) + rnd() * 0.0003, l = Math.min(o, c) - rnd() * 0.0003;
  p = c;
  const ts = new Date(t0 + i * 60000).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
  parts.push(`{"timestamp":"${ts}","open":${o},"high":${h},"low":${l},"close":${c},"spread_avg":0.8,"tick_volume":${100 + Math.floor(rnd() * 50)},"body":${c - o},"body_pips":${(c - o) * 1e4},"range_pips":${(h - l) * 1e4},"upper_wick":${h - Math.max(o, c)},"lower_wick":${Math.min(o, c) - l},"direction":"${c > o ? 'up' : 'down'}"}`);
}
writeFileSync(out, `{"name":"universe_1m_5lb","config":{"interval":1,"lookback":5},"processing_time":0.1,"total_patterns":0,"results":{},"ohlc_data":[${parts.join(',')}],"metadata":{}}`);
