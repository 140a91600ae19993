// "Start/Stop Local Trace Intake": the core intake (src/core/intake) runs in the language server process
// (asm/intake/start, asm/intake/stop); this module keeps the lifecycle and UI, and shows what it receives in the
// "Local Intake Traces" view (asm/intake/trace notifications, asm/intake/traces).
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { Notifications, Requests, type IntakeInfo, type IntakeStats, type IntakeTraceNote, type ReceivedTrace } from '../../server/protocol';
import type { StartIntakeArgs } from '../../server/commands';
import { IntakeTreeProvider } from '../intakeTree';
import { isLoopback } from '../../core/attack/policy';

export type IntakeClient = Pick<LanguageClient, 'sendRequest' | 'onNotification' | 'isRunning' | 'onDidChangeState'>;

/** Owns the running intake (at most one, in the server); others (Send Test Attack) read `current`. */
export class IntakeController implements vscode.Disposable {
  private intake: IntakeInfo | undefined;
  /** Traces the server holds, from its notifications. */
  private count = 0;
  private readonly emitter = new vscode.EventEmitter<IntakeInfo | undefined>();
  readonly onDidChange = this.emitter.event;
  private readonly traceEmitter = new vscode.EventEmitter<IntakeTraceNote>();
  /** A trace arrived at the running intake. */
  readonly onTrace = this.traceEmitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly client: IntakeClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subs = [
      client.onNotification(Notifications.intakeTrace, (t: IntakeTraceNote) => {
        if (!this.intake) return;
        this.count = t.count;
        for (const e of t.events)
          this.output.info(
            `intake: ASM event — rule ${e.ruleId} "${e.ruleName}" on ${e.method ?? ''} ${e.url ?? e.resource} → ${e.status ?? '?'}${e.blocked ? ' (blocked)' : ''}, matched ${e.address} = ${JSON.stringify(e.value)}, client ${e.clientIp ?? '?'}`,
          );
        this.traceEmitter.fire(t);
      }),
      // The intake lives in the server process: when that stops (or restarts), the intake is gone with it.
      client.onDidChangeState((e) => {
        if (e.newState === State.Running || !this.intake) return;
        this.intake = undefined;
        void vscode.commands.executeCommand('setContext', 'asmTroubleshooter.intakeRunning', false);
        this.emitter.fire(undefined);
      }),
    ];
  }

  get current(): IntakeInfo | undefined {
    return this.intake;
  }

  /** Traces held by the running intake (as last heard). */
  get traceCount(): number {
    return this.intake ? this.count : 0;
  }

  /** The newest `limit` traces of the running intake, oldest first. */
  async traces(limit: number): Promise<ReceivedTrace[]> {
    if (!this.intake) return [];
    const t = await this.client.sendRequest(Requests.intakeTraces, { limit });
    this.count = Math.max(this.count, t.length);
    return t;
  }

  /** `extra`: proxy mode (forwardTo, with the hosts the user confirmed) or local remote activation of ASM. */
  async start(port: number, extra: { forwardTo?: string; confirmedHosts?: string[]; activateAsm?: boolean } = {}): Promise<IntakeInfo> {
    if (this.intake) return this.intake;
    const intake = await this.client.sendRequest(Requests.intakeStart, { port, ...extra });
    this.intake = intake;
    this.count = 0;
    await vscode.commands.executeCommand('setContext', 'asmTroubleshooter.intakeRunning', true);
    this.emitter.fire(intake);
    return intake;
  }

  /** Stops it; its final counts, or null when it was not running. */
  async stop(): Promise<IntakeStats | null> {
    if (!this.intake) return null;
    this.intake = undefined;
    let stats: IntakeStats | null = null;
    try {
      if (this.client.isRunning()) stats = await this.client.sendRequest(Requests.intakeStop);
    } finally {
      await vscode.commands.executeCommand('setContext', 'asmTroubleshooter.intakeRunning', false);
      this.emitter.fire(undefined);
    }
    return stats ?? { payloads: 0, traces: 0, spans: 0, events: 0, malformed: 0, tooLarge: 0, otherRequests: 0, lastError: null };
  }

  dispose(): void {
    // The server process ends with the client; stopping it first is a courtesy that may find it gone.
    void this.stop().catch(() => undefined);
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
    this.traceEmitter.dispose();
  }
}

export function registerIntakeCommands(context: vscode.ExtensionContext, client: IntakeClient, output: vscode.LogOutputChannel): IntakeController {
  const controller = new IntakeController(client, output);
  const tree = new IntakeTreeProvider(controller, (m) => output.warn(`intake: ${m}`));
  const view = vscode.window.createTreeView('asmTroubleshooter.traces', { treeDataProvider: tree, showCollapseAll: true });
  // While it listens: a status bar item with the address and what arrived (a click shows the view).
  const status = vscode.window.createStatusBarItem('asmTroubleshooter.intake', vscode.StatusBarAlignment.Left, 49);
  status.name = 'ASM Troubleshooter: local trace intake';
  status.command = 'asmTroubleshooter.traces.focus';
  let events = 0;
  const updateView = () => {
    const i = controller.current;
    view.description = i ? i.url.replace(/^http:\/\//, '') : tree.count() ? 'stopped' : undefined;
    view.message =
      i && !controller.traceCount ? `Listening on ${i.url}. Start your service with DD_TRACE_AGENT_URL=${i.url} and DD_APPSEC_ENABLED=true.` : undefined;
    if (!i) {
      events = 0;
      status.hide();
      return;
    }
    status.text = `$(radio-tower) Intake ${i.url.replace(/^http:\/\//, '')} · ${controller.traceCount} trace${controller.traceCount === 1 ? '' : 's'}${events ? ` · ${events} ASM event${events === 1 ? '' : 's'}` : ''}`;
    status.tooltip = `The local trace intake listens on ${i.url} (not a Datadog Agent: nothing is forwarded). Start your service with ${i.agentUrlEnv}.`;
    status.show();
  };
  context.subscriptions.push(
    controller,
    tree,
    view,
    status,
    controller.onDidChange(updateView),
    controller.onTrace((t) => {
      events += t.events.length;
      updateView();
    }),
    tree.onDidChangeTreeData(updateView),
    vscode.commands.registerCommand('asmTroubleshooter.clearIntake', () => {
      tree.clear();
      return true;
    }),
    vscode.commands.registerCommand('asmTroubleshooter.startIntake', async (args?: StartIntakeArgs) => {
      // From a code action ("Start the local trace intake and copy DD_TRACE_AGENT_URL"): copied without asking.
      const copy = async (i: IntakeInfo) => {
        await vscode.env.clipboard.writeText(i.agentUrlEnv);
        void vscode.window.showInformationMessage(`Copied ${i.agentUrlEnv} to the clipboard. Start your service with it and DD_APPSEC_ENABLED=true.`);
      };
      if (controller.current) {
        if (args?.copyAgentUrl) await copy(controller.current);
        else void vscode.window.showInformationMessage(`The local trace intake already runs on ${controller.current.url}.`);
        return { url: controller.current.url, port: controller.current.port };
      }
      const port = vscode.workspace.getConfiguration('asmTroubleshooter').get<number>('intake.port', 8126);
      let intake: IntakeInfo;
      try {
        intake = await controller.start(port);
      } catch (e) {
        output.error(`intake: could not start on 127.0.0.1:${port}: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`Could not start the local trace intake on 127.0.0.1:${port}: ${(e as Error).message}`);
        return undefined;
      }
      output.info(`intake: listening on ${intake.url} — not a Datadog Agent: received traces stay in memory, nothing is forwarded.`);
      void vscode.commands.executeCommand('asmTroubleshooter.traces.focus');
      if (args?.copyAgentUrl) {
        await copy(intake);
        return { url: intake.url, port: intake.port };
      }
      const msg =
        intake.requestedPort !== null
          ? `Port ${intake.requestedPort} is busy (a Datadog Agent?). The local trace intake listens on ${intake.url}: start your service with ${intake.agentUrlEnv}.`
          : `Local trace intake listening on ${intake.url}. Start your service with ${intake.agentUrlEnv} and DD_APPSEC_ENABLED=true.`;
      void vscode.window.showInformationMessage(msg, 'Copy DD_TRACE_AGENT_URL').then((pick) => {
        if (pick) void vscode.env.clipboard.writeText(intake.agentUrlEnv);
      });
      return { url: intake.url, port: intake.port };
    }),
    // The intake's two other modes (issue 15 §2): pass everything on to the user's Agent (proxy), or answer remote
    // configuration with ASM on so a service started without DD_APPSEC_ENABLED shows whether 1-click activation
    // reaches it. The server gates the forward target too (loopback, or a host confirmed here).
    vscode.commands.registerCommand('asmTroubleshooter.startIntakeWithMode', async () => {
      if (controller.current) {
        void vscode.window.showInformationMessage(`The local trace intake already runs on ${controller.current.url}; stop it to start it in another mode.`);
        return undefined;
      }
      type Mode = vscode.QuickPickItem & { mode: 'forward' | 'activate' };
      const pick = await vscode.window.showQuickPick<Mode>(
        [
          { label: 'Forward to my Datadog Agent', description: 'see the spans here and still send everything to the Agent', mode: 'forward' },
          {
            label: 'Answer remote configuration with ASM on',
            description: 'shows whether 1-click activation reaches a service started without DD_APPSEC_ENABLED',
            mode: 'activate',
          },
        ],
        { title: 'Start Local Trace Intake in a mode' },
      );
      if (!pick) return undefined;
      const port = vscode.workspace.getConfiguration('asmTroubleshooter').get<number>('intake.port', 8126);
      let extra: { forwardTo?: string; confirmedHosts?: string[]; activateAsm?: boolean } = { activateAsm: true };
      if (pick.mode === 'forward') {
        const agentUrl = vscode.workspace.getConfiguration('asmTroubleshooter').get<string>('agent.url') || 'http://127.0.0.1:8126';
        const forwardTo = await vscode.window.showInputBox({
          title: 'Forward to the Datadog Agent at',
          value: agentUrl,
          validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v) ? undefined : 'an http(s) URL, e.g. http://127.0.0.1:8126'),
        });
        if (!forwardTo) return undefined;
        const host = new URL(forwardTo).host;
        const confirmedHosts: string[] = [];
        if (!isLoopback(new URL(forwardTo).hostname)) {
          const ok = await vscode.window.showWarningMessage(
            `Forward every trace the intake receives to ${host}? That host is not this machine.`,
            { modal: true },
            'Forward',
          );
          if (ok !== 'Forward') return undefined;
          confirmedHosts.push(host);
        }
        extra = { forwardTo, confirmedHosts };
      }
      try {
        const intake = await controller.start(port, extra);
        output.info(
          `intake: listening on ${intake.url}${extra.forwardTo ? ` — forwarding every request to ${extra.forwardTo}` : ' — answering remote configuration with ASM on (local 1-click activation)'}.`,
        );
        void vscode.commands.executeCommand('asmTroubleshooter.traces.focus');
        void vscode.window
          .showInformationMessage(
            `Local trace intake on ${intake.url}. Start your service with ${intake.agentUrlEnv}${extra.activateAsm ? ' (and without DD_APPSEC_ENABLED, to test remote activation)' : ''}.`,
            'Copy DD_TRACE_AGENT_URL',
          )
          .then((p) => {
            if (p) void vscode.env.clipboard.writeText(intake.agentUrlEnv);
          });
        return { url: intake.url, port: intake.port };
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not start the local trace intake: ${(e as Error).message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('asmTroubleshooter.stopIntake', async () => {
      const s = await controller.stop();
      if (!s) {
        void vscode.window.showInformationMessage('The local trace intake is not running.');
        return false;
      }
      output.info(`intake: stopped (${s.traces} trace(s), ${s.events} ASM event(s), ${s.malformed} malformed payload(s)).`);
      return true;
    }),
  );
  updateView();
  return controller;
}
