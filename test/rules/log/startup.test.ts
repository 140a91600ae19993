// The startup log rule (src/core/log/rules/startup.ts), as annotated fixtures (test/support/annotated.ts): the
// startup JSON: a tracer too old for ASM, ASM enabled but inactive.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('startup: the Node.js configuration line without DD_APPSEC_ENABLED (no appsec_enabled) is not configured, on the prefix', () => {
  checkDiagnostics(
    'log',
    `
    LISTENING 36861
    DATADOG TRACER CONFIGURATION - {"date":"2026-11-21T09:32:20.419Z","os_name":"Linux","os_version":"6.18.44-fc-v669","architecture":"x64","version":"5.132.0","lang":"nodejs","lang_version":"20.20.2","service":"demo","agent_url":"http://127.0.0.1:39383/","debug":false,"sampling_rules":[],"tags":{"version":"0.1.0","service":"demo","runtime-id":"b4c5ab7d-842d-4418-abab-dfed6f7efe2a"},"log_injection_enabled":true,"runtime_metrics_enabled":true,"profiling_enabled":false,"data_streams_enabled":false,"otlp_traces_export_enabled":false,"otlp_metrics_export_enabled":false,"otlp_logs_export_enabled":false,"dd_version":"0.1.0"}
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error appsec-not-configured
    DATADOG TRACER INTEGRATIONS LOADED - ["fs","net","dns","http","router","express"]
  `,
    { only: ['appsec-not-configured'] },
  );
});

test('startup: a tracer too old for ASM', () => {
  checkDiagnostics(
    'log',
    `
    W, [2020-07-08T21:14:25.281615 #137]  WARN -- ddtrace: [ddtrace] DATADOG TRACER CONFIGURATION - {"date":"2020-07-08T21:14:25+00:00","version":"0.37.0","lang":"ruby","agent_url":"http://ddagent:8126?timeout=1","integrations_loaded":"active_model_serializers@,aws@"}
                                                                                                                                        ^^^^^^^^^^^^^^^^^^ error tracer-too-old
  `,
    { only: ['tracer-too-old'] },
  );
});

test('startup: Java ENABLED_INACTIVE, on the appsec_enabled value', () => {
  checkDiagnostics(
    'log',
    `
    [dd.trace 2023-09-25 07:48:58:993 +0000] [dd-task-scheduler] INFO datadog.trace.core.StatusLogger - DATADOG TRACER CONFIGURATION {"version":"1.20.0~6bb3e09b2a","os_name":"Linux","lang":"jvm","enabled":true,"service":"petclinic","agent_url":"http://localhost:8126","agent_error":false,"appsec_enabled":"ENABLED_INACTIVE","dd_version":"1.0.0"}
                                                                                                                                                                                                                                                                                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning appsec-inactive
  `,
    { only: ['appsec-inactive', 'appsec-enabled', 'appsec-disabled', 'tracer-too-old'] },
  );
});
