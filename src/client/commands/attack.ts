// Send Test Attack, Simulate a Security Signal, Copy as curl, Set Target URL. The client keeps every decision: the
// target comes from the setting (asked for and remembered in user settings when unset); in an untrusted workspace
// only the user's own value counts; a host outside loopback needs a modal confirmation once (remembered in
// globalState) — src/core/attack/policy, pure and dependency-free. The language server sends the requests
// (asm/attack/send, asm/simulate), waits for the local intake's span and records step 1 (asm/attack/finish).
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { decideTarget, decideTypedTarget, effectiveSetting, parseTarget, redirectConfirmation } from '../../core/attack/policy';
import {
  Requests,
  type AsmEvent,
  type AttackFinishParams,
  type AttackResult,
  type AttackSendParams,
  type BlockingTestParams,
  type BlockingTestResult,
  type CurlParams,
  type SimulateParams,
  type SimulateSummary,
} from '../../server/protocol';
import type { StepsTreeProvider } from '../tree';
import { registerIntakeCommands, type IntakeClient, type IntakeController } from './intake';
import { attackDocument, outcomeText, provenText, simulateQuestion, simulateSummaryText } from '../attackText';
import { readOnlyUri, registerReadOnlyDocs } from '../readOnlyDocs';

const CONFIRMED_HOSTS = 'asmTroubleshooter.attack.confirmedHosts';

export interface AttackDeps {
  tree: Pick<StepsTreeProvider, 'setRunning'>;
  output: vscode.LogOutputChannel;
  client: IntakeClient & Pick<LanguageClient, 'onProgress'>;
}

/** What the command returns (for tests and other extensions). */
export interface AttackCommandResult {
  result: AttackResult;
  event: AsmEvent | null | undefined;
}

function cfg() {
  return vscode.workspace.getConfiguration('asmTroubleshooter');
}

class TargetResolver {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  private confirmed(): string[] {
    return this.context.globalState.get<string[]>(CONFIRMED_HOSTS, []);
  }

  /** Modal, once per host; remembered in globalState. */
  async confirmHost(host: string, why: string): Promise<boolean> {
    const pick = await vscode.window.showWarningMessage(
      `Send requests to ${host}?`,
      {
        modal: true,
        detail: `${why}\n\n${host} is not on this machine (loopback). The test attack sends a request with a known scanner user agent; only send it to a service you are responsible for. You are asked once per host.`,
      },
      'Send',
    );
    if (pick !== 'Send') return false;
    await this.context.globalState.update(CONFIRMED_HOSTS, [...new Set([...this.confirmed(), host])]);
    this.output.info(`attack: ${host} confirmed as a test-attack target.`);
    return true;
  }

  confirmedHosts(): string[] {
    return this.confirmed();
  }

  /** Asks for a target with an input box, confirms its host if needed, and saves it in user settings. */
  async ask(initial?: string): Promise<URL | undefined> {
    const value = await vscode.window.showInputBox({
      title: 'Test attack target',
      prompt: 'URL of your service (run the test from the machine hosting it, e.g. http://127.0.0.1:3000/)',
      value: initial ?? 'http://127.0.0.1:3000/',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const p = parseTarget(v);
        return p.ok ? undefined : p.reason;
      },
    });
    if (value === undefined) return undefined;
    const d = decideTypedTarget(value, this.confirmed());
    if (d.kind === 'invalid' || d.kind === 'ask') return undefined;
    if (d.kind === 'confirm' && !(await this.confirmHost(d.host, `You entered ${d.url.href}.`))) return undefined;
    // Remembered in user settings: a workspace value could be ignored in an untrusted workspace.
    await cfg().update('attack.targetUrl', d.url.href, vscode.ConfigurationTarget.Global);
    return d.url;
  }

  /** The target to use now, or undefined when the user declined. */
  async resolve(): Promise<URL | undefined> {
    const ins = cfg().inspect<string>('attack.targetUrl');
    const d = decideTarget({
      trusted: vscode.workspace.isTrusted,
      setting: { globalValue: ins?.globalValue, workspaceValue: ins?.workspaceValue, workspaceFolderValue: ins?.workspaceFolderValue },
      confirmedHosts: this.confirmed(),
    });
    if (d.ignoredWorkspaceValue)
      this.output.warn(
        `attack: this workspace is not trusted, so its target ${d.ignoredWorkspaceValue} (asmTroubleshooter.attack.targetUrl) is ignored; using your user settings.`,
      );
    if (d.kind === 'ask') {
      if (d.reason) this.output.warn(`attack: the target setting is not usable (${d.reason}).`);
      return this.ask(d.ignoredWorkspaceValue ? undefined : ins?.globalValue);
    }
    if (
      d.kind === 'confirm' &&
      !(await this.confirmHost(d.host, `The target comes from your ${d.source === 'user' ? 'user' : d.source} settings: ${d.url.href}.`))
    )
      return undefined;
    return d.url;
  }
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function registerAttackCommands(context: vscode.ExtensionContext, deps: AttackDeps): { intake: IntakeController } {
  const { tree, output, client } = deps;
  const targets = new TargetResolver(context, output);
  const intake = registerIntakeCommands(context, client, output);
  let defaultUA: string | undefined;
  /** The setting, else the knowledge base's scanner user agent (asked from the server once). */
  // A restricted setting (the payload): in an untrusted workspace only the user's own value counts.
  const userAgentOf = async () =>
    effectiveSetting(vscode.workspace.isTrusted, cfg().inspect<string>('attack.userAgent')) ||
    (defaultUA ??= await client.sendRequest(Requests.attackUserAgent));
  const curl = (p: CurlParams) => client.sendRequest(Requests.attackCurl, p);
  const status = vscode.window.createStatusBarItem('asmTroubleshooter.attack', vscode.StatusBarAlignment.Left, 49);
  status.name = 'ASM Troubleshooter: test attack';
  status.command = 'asmTroubleshooter.showAttackResult';
  context.subscriptions.push(status);
  registerReadOnlyDocs(context);
  let lastResult: vscode.Uri | undefined;
  const showResultDoc = async (r: AttackResult, event: AsmEvent | null | undefined) => {
    lastResult = readOnlyUri('Test attack result.http', attackDocument(r, event, !!intake.current));
    const doc = await vscode.workspace.openTextDocument(lastResult);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  };

  const logResult = (r: AttackResult, event: AsmEvent | null | undefined) => {
    output.info(
      `attack: GET ${r.finalUrl} (User-Agent: ${r.userAgent}) → ${r.status ?? `no answer (${r.error?.code ?? r.error?.kind})`} in ${r.latencyMs} ms, ${formatBytes(r.bytes)}${r.redirects.length ? `, after redirects ${r.redirects.join(' → ')}` : ''}`,
    );
    const log = r.outcome.ok ? output.info.bind(output) : output.warn.bind(output);
    log(`attack: ${r.outcome.title}. ${r.outcome.explanation}`);
    // "Start the local intake" is no advice while it runs.
    if (r.outcome.next && !(intake.current && /local (?:trace )?intake/i.test(r.outcome.next))) output.info(`attack: next: ${r.outcome.next}`);
    if (event)
      output.info(
        `attack: the local intake received the appsec.event span: rule ${event.ruleId} "${event.ruleName}", matched ${event.address} = ${JSON.stringify(event.value)}, client IP ${event.clientIp ?? '?'}${event.blocked ? ', blocked' : ''} (trace ${event.traceId}).`,
      );
    else if (event === null) output.warn('attack: no appsec.event span arrived at the local intake for this attack.');
  };

  const showStatus = (r: AttackResult, event: AsmEvent | null | undefined) => {
    const icon = r.outcome.ok ? (r.blocked ? '$(shield)' : '$(pass)') : '$(error)';
    status.text = `${icon} Test attack ${r.status ?? r.error?.code ?? 'failed'} · ${r.latencyMs} ms${event ? ` · ${event.ruleId}` : ''}`;
    status.tooltip = `Test attack ${r.finalUrl}\n${outcomeText(r.outcome.title, r.outcome.explanation)}\nResponse body: ${formatBytes(r.bytes)}${event ? `\nRule that fired: ${event.ruleId} "${event.ruleName}"` : ''}\n(click for the result)`;
    status.show();
  };

  const sendAttack = async (): Promise<AttackCommandResult | undefined> => {
    const url = await targets.resolve();
    if (!url) return undefined;
    const userAgent = await userAgentOf();
    const timeoutMs = cfg().get<number>('attack.timeoutMs', 10_000);
    const waitMs = cfg().get<number>('intake.waitForSpanMs', 15_000);
    tree.setRunning('test-attack', true);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Test attack → ${url.host}`, cancellable: true },
        async (progress, token) => {
          const t0 = Date.now();
          progress.report({ message: `GET ${url.href} with User-Agent: ${userAgent}` });
          const send = () =>
            client.sendRequest(
              Requests.attackSend,
              { url: url.href, userAgent, timeoutMs, confirmedHosts: targets.confirmedHosts() } satisfies AttackSendParams,
              token,
            );
          let r = await send();
          // A redirect to another host is followed only after the same one-time confirmation.
          // Only a parseable http(s) location can be confirmed (a stopped redirect has none).
          const to = redirectConfirmation(r);
          if (to && (await targets.confirmHost(to.host, `${r.finalUrl} redirects to ${to.url.href}.`))) r = await send();
          const wait = !token.isCancellationRequested;
          if (intake.current && r.status !== null && wait) {
            progress.report({ message: `${r.status}; waiting up to ${Math.round(waitMs / 1000)} s for the span at the local intake…` });
          }
          // The server waits for the span (when its intake runs) and records step 1's checks.
          const finish: AttackFinishParams = { result: r, since: t0, waitMs, wait };
          const { event } = await client.sendRequest(Requests.attackFinish, finish, token);
          logResult(r, event);
          showStatus(r, event);
          const { notProven } = provenText(r, event);
          const msg = `${outcomeText(r.outcome.title, r.outcome.explanation)}${event ? ` Rule that fired: ${event.ruleId} "${event.ruleName}".` : ''}${notProven.length ? ` Not proven: ${notProven[0]!.replace(/^That /, 'that ')}` : ''}`;
          const show = r.outcome.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
          if (r.outcome.kind !== 'cancelled') {
            await showResultDoc(r, event);
            void show(msg, 'Re-send', 'Copy as curl', 'Show Output').then(async (pick) => {
              if (pick === 'Re-send') void vscode.commands.executeCommand('asmTroubleshooter.sendTestAttack');
              if (pick === 'Show Output') output.show(true);
              if (pick === 'Copy as curl') void vscode.env.clipboard.writeText(await curl({ url: url.href, userAgent, timeoutMs }));
            });
          }
          return { result: r, event };
        },
      );
    } finally {
      tree.setRunning('test-attack', false);
    }
  };

  const simulate = async (): Promise<SimulateSummary | undefined> => {
    const url = await targets.resolve();
    if (!url) return undefined;
    const c = cfg();
    const rounds = c.get<number>('simulate.rounds', 200);
    // Paths are restricted settings too: in an untrusted workspace only the user's values count.
    const pathOf = (key: string, def: string) => effectiveSetting(vscode.workspace.isTrusted, c.inspect<string>(key)) || def;
    const existingPath = pathOf('simulate.existingPath', '/');
    const missingPath = pathOf('simulate.missingPath', '/dd-test-scanner-missing-route');
    const params: SimulateParams = {
      url: url.href,
      existingPath,
      missingPath,
      rounds,
      concurrency: c.get<number>('simulate.concurrency', 4),
      maxRequestsPerSecond: c.get<number>('simulate.maxRequestsPerSecond', 20),
      timeoutMs: c.get<number>('attack.timeoutMs', 10_000),
      confirmedHosts: targets.confirmedHosts(),
    };
    // Nothing is sent before the user saw the target, the count and the rate.
    const go = await vscode.window.showWarningMessage(
      simulateQuestion(params),
      { modal: true, detail: 'The server caps the rounds and the rate whatever the settings say.' },
      'Send',
    );
    if (go !== 'Send') return undefined;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Simulating a security signal on ${url.host}`, cancellable: true },
      async (progress, token) => {
        const workDoneToken = `asm-simulate-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        let last = 0;
        // What the local intake receives while the simulation runs (a tracer flushes every few seconds).
        const seen = { events: 0, traces: 0 };
        let onSeen = () => {};
        const traceSub = intake.onTrace((t) => {
          seen.events += t.events.length;
          seen.traces++;
          onSeen();
        });
        const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind !== 'report' || v.percentage === undefined) return;
          progress.report({ increment: v.percentage - last, ...(v.message ? { message: v.message } : {}) });
          last = v.percentage;
        });
        try {
          // Cancelled or not, the server answers with the summary of what was sent.
          const s = await client.sendRequest(Requests.simulate, { ...params, workDoneToken }, token);
          const fmt = (st: Record<string, number>) =>
            Object.entries(st)
              .map(([k, v]) => `${k}×${v}`)
              .join(', ') || 'none';
          output.info(
            `simulate: ${s.requested} request(s) with User-Agent ${s.userAgent}${s.cancelled ? ' (cancelled)' : ''}; existing ${s.existing.url}: ${fmt(s.existing.statuses)}; missing ${s.missing.url}: ${fmt(s.missing.statuses)}`,
          );
          for (const n of s.notes) output.warn(`simulate: ${n}`);
          output.info(`simulate: next: ${s.next}`);
          // The tracer's last spans come after the last answer: up to 3 s more, unless every request was seen.
          if (intake.current && !s.cancelled && seen.events < s.completed) {
            progress.report({ message: `${s.requested} requests sent; waiting for the tracer's last spans…` });
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, 3000);
              onSeen = () => {
                if (seen.events < s.completed) return;
                clearTimeout(t);
                resolve();
              };
            });
          }
          const counted = intake.current ? seen : null;
          output.info(
            `simulate: ${counted ? `the local intake saw ${counted.events} ASM event(s) in ${counted.traces} trace(s)` : 'the local intake is not running'}`,
          );
          const show = s.failed || s.cancelled ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
          void show(`${simulateSummaryText(s, counted)} ${s.notes[0] ?? s.next}`, 'Show Output').then((pick) => {
            if (pick) output.show(true);
          });
          return s;
        } finally {
          sub.dispose();
          traceSub.dispose();
        }
      },
    );
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('asmTroubleshooter.sendTestAttack', sendAttack),
    vscode.commands.registerCommand('asmTroubleshooter.simulateSignal', simulate),
    // Thin: the server sends User-Agent dd-test-scanner-log-block (gated like the attack) and gives the verdict.
    vscode.commands.registerCommand('asmTroubleshooter.sendBlockingTest', async (): Promise<BlockingTestResult | undefined> => {
      const url = await targets.resolve();
      if (!url) return undefined;
      const params: BlockingTestParams = {
        url: url.href,
        timeoutMs: cfg().get<number>('attack.timeoutMs', 10_000),
        confirmedHosts: targets.confirmedHosts(),
        waitMs: cfg().get<number>('intake.waitForSpanMs', 15_000),
      };
      const b = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Blocking test → ${url.host}`, cancellable: true },
        (_p, token) => client.sendRequest(Requests.blockingTest, params, token),
      );
      output.info(`blocking test: ${b.result.status ?? b.result.error?.code ?? 'no answer'} — ${b.explanation}`);
      const show = b.verdict === 'verified' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(b.finding?.message ?? b.explanation);
      return b;
    }),
    vscode.commands.registerCommand('asmTroubleshooter.showAttackResult', async () => {
      if (!lastResult) return output.show(true);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(lastResult), { preview: true });
    }),
    vscode.commands.registerCommand('asmTroubleshooter.copyAttackAsCurl', async () => {
      // Copying sends nothing, but the target is still resolved the same way (trust, confirmation).
      const url = await targets.resolve();
      if (!url) return undefined;
      const cmd = await curl({ url: url.href, userAgent: await userAgentOf(), timeoutMs: cfg().get<number>('attack.timeoutMs', 10_000) });
      await vscode.env.clipboard.writeText(cmd);
      void vscode.window.showInformationMessage(`Copied: ${cmd}`);
      return cmd;
    }),
    vscode.commands.registerCommand('asmTroubleshooter.setTargetUrl', async () => {
      const url = await targets.ask(cfg().inspect<string>('attack.targetUrl')?.globalValue || undefined);
      if (url) void vscode.window.showInformationMessage(`Test attack target: ${url.href}`);
      return url?.href;
    }),
  );
  return { intake };
}
