// Ruby (seed, check #2a): "If the Rack integration was configured manually, sometimes a known issue prevents
// Application Security from working … If `c.use :rack` is present, remove it". Recognised in a Ruby initializer
// (config/initializers/*.rb) analysed as text — by the CLI (`check config/initializers/datadog.rb`) or in the
// editor — inside a `Datadog.configure do |c|` block. The quick fix deletes the line.
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import type { LogRule } from '../types';
import { stateOf } from './common';

const key = 'ruby-rack';
// 0.x spells it `c.use :rack`, 1.x `c.tracing.instrument :rack` (dd-trace-rb docs/GettingStarted.md).
const USE_RACK = /^(\s{0,40})(\w{1,40})\.(?:use|tracing\.instrument)\s{1,10}:rack\b/;
const FRAMEWORK = /^\s{0,40}\w{1,40}\.(?:use|instrument|tracing\.instrument)\s{1,10}:(rails|sinatra)\b/;

interface RackState {
  configure: boolean;
  frameworks: string[];
  /** line, start, end, 1 when spelled `c.tracing.instrument :rack` (1.x). */
  lines: [number, number, number, number][];
}

export const rubyRackRule: LogRule = {
  id: 'ruby-rack',
  literals: ['Datadog.configure', '.use :rack', '.use :rails', '.use :sinatra', '.instrument :rails', '.instrument :sinatra', '.instrument :rack'],
  line(ctx) {
    const st = stateOf<RackState>(ctx, key, () => ({ configure: false, frameworks: [], lines: [] }));
    if (/^\s{0,40}Datadog\.configure\b/.test(ctx.text)) st.configure = true;
    const f = FRAMEWORK.exec(ctx.text);
    if (f && !st.frameworks.includes(f[1]!)) st.frameworks.push(f[1]!);
    const m = USE_RACK.exec(ctx.text);
    if (m && st.lines.length < 50) st.lines.push([ctx.lineNo, m[1]!.length, ctx.text.length, m[0].includes('.tracing.') ? 1 : 0]);
  },
  finish(ctx) {
    const st = ctx.state.get(key) as RackState | undefined;
    if (!st || !st.configure) return;
    for (const [line, start, end, tracing] of st.lines) {
      const spelling = tracing ? 'c.tracing.instrument :rack' : 'c.use :rack';
      const with_ = st.frameworks.length ? ` next to the ${st.frameworks.join(' and ')} integration, which already adds Rack` : '';
      ctx.report(
        makeFinding('ruby-rack-manual', range(line, start, end), {
          detail: `The Rack integration is configured by hand (\`${spelling}\`)${with_}: a known issue then keeps Application Security from seeing requests`,
          data: { frameworks: st.frameworks },
          fixes: [{ title: `Remove the \`${spelling}\` line`, edits: [{ range: range(line, 0, 0, line + 1), newText: '' }], isPreferred: true }],
        }),
      );
    }
  },
};
