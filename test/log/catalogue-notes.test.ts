// Where the 2022 guides are out of date (issue 13 §5): the notes the hovers and findings give, from the kb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kb } from '../../src/core/kb';
import { hoverAt, settingHover } from '../../src/core/hover';

const envHover = (name: string) => {
  const line = `export ${name}=false`;
  return hoverAt(line, line.indexOf(name) + 1)?.markdown ?? '';
};

test('Lambda: DD_SERVERLESS_APPSEC_ENABLED is the switch, and DD_APPSEC_ENABLED says so', () => {
  assert.match(envHover('DD_SERVERLESS_APPSEC_ENABLED'), /Lambda[\s\S]*DD_APPSEC_ENABLED in the function does not enable it/);
  assert.match(envHover('DD_APPSEC_ENABLED'), /In AWS Lambda the switch is DD_SERVERLESS_APPSEC_ENABLED/);
});

test('standalone mode keeps about one non-ASM trace a minute; GovCloud sites have no ASM', () => {
  assert.match(envHover('DD_APM_TRACING_ENABLED'), /about one other trace per minute/);
  assert.match(envHover('DD_EXPERIMENTAL_APPSEC_STANDALONE_ENABLED'), /DD_APM_TRACING_ENABLED=false/);
  assert.match(envHover('DD_SITE'), /not offered on the GovCloud sites \(ddog-gov\.com/);
});

test('Remote Configuration: which tracers read which name', () => {
  assert.match(envHover('DD_REMOTE_CONFIG_ENABLED'), /Java and PHP read this name[\s\S]*DD_REMOTE_CONFIGURATION_ENABLED/);
  assert.match(envHover('DD_REMOTE_CONFIGURATION_ENABLED'), /Java and PHP read DD_REMOTE_CONFIG_ENABLED instead[\s\S]*Agent 7\.41\.1/);
});

test('PHP 1.16+ on Linux: an abstract socket, so the lock-file errors of the guide apply only to older versions', () => {
  assert.match(settingHover('datadog.appsec.helper_runtime_path') ?? '', /1\.16\.0 and later default to @\/ddappsec[\s\S]*apply only to older versions/);
  assert.match(settingHover('ddappsec.helper_lock_path') ?? '', /1\.16\.0 and later[\s\S]*abstract socket/);
});

test('tracer-too-old names the current minimums and Agent 7.41.1', () => {
  const f = kb().finding('tracer-too-old');
  for (const v of ['.NET 2.42.0', 'Node.js 4.30.0', 'Go 1.53.0', 'Ruby 1.9.0', 'Agent 7.41.1']) assert.ok(f.fix.includes(v), v);
});
