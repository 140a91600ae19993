// "Start/Stop Local Trace Intake": runs the core intake (src/core/intake) in the extension host and shows what it
// receives in the "Local Intake Traces" view. No logic of its own beyond lifecycle and UI.
import * as vscode from 'vscode';
import { startIntake, type Intake } from '../../core/intake';
import { IntakeTreeProvider } from '../intakeTree';

/** Owns the running intake (at most one); others (Send Test Attack) read `current`. */
export class IntakeController implements vscode.Disposable {
  private intake: Intake | undefined;
  private offTrace: (() => void) | undefined;
  private readonly emitter = new vscode.EventEmitter<Intake | undefined>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly output: vscode.LogOutputChannel) {}

  get current(): Intake | undefined {
    return this.intake;
  }

  async start(port: number): Promise<Intake> {
    if (this.intake) return this.intake;
    const intake = await startIntake({ port, log: (l) => this.output.warn(l) });
    this.intake = intake;
    this.offTrace = intake.onTrace((t) => {
      for (const e of t.events) this.output.info(`intake: ASM event — rule ${e.ruleId} "${e.ruleName}" on ${e.method ?? ''} ${e.url ?? e.resource} → ${e.status ?? '?'}${e.blocked ? ' (blocked)' : ''}, matched ${e.address} = ${JSON.stringify(e.value)}, client ${e.clientIp ?? '?'}`);
    });
    await vscode.commands.executeCommand('setContext', 'asmTroubleshooter.intakeRunning', true);
    this.emitter.fire(intake);
    return intake;
  }

  async stop(): Promise<boolean> {
    const intake = this.intake;
    if (!intake) return false;
    this.intake = undefined;
    this.offTrace?.();
    await intake.close();
    await vscode.commands.executeCommand('setContext', 'asmTroubleshooter.intakeRunning', false);
    this.emitter.fire(undefined);
    return true;
  }

  dispose(): void {
    void this.stop();
    this.emitter.dispose();
  }
}

export function registerIntakeCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): IntakeController {
  const controller = new IntakeController(output);
  const tree = new IntakeTreeProvider(controller);
  const view = vscode.window.createTreeView('asmTroubleshooter.traces', { treeDataProvider: tree, showCollapseAll: true });
  const updateView = () => {
    const i = controller.current;
    view.description = i ? i.url.replace(/^http:\/\//, '') : undefined;
    view.message = i && !i.traces().length ? `Listening on ${i.url}. Start your service with DD_TRACE_AGENT_URL=${i.url} and DD_APPSEC_ENABLED=true.` : undefined;
  };
  context.subscriptions.push(
    controller,
    tree,
    view,
    controller.onDidChange(updateView),
    tree.onDidChangeTreeData(updateView),
    vscode.commands.registerCommand('asmTroubleshooter.startIntake', async () => {
      if (controller.current) {
        void vscode.window.showInformationMessage(`The local trace intake already runs on ${controller.current.url}.`);
        return { url: controller.current.url, port: controller.current.port };
      }
      const port = vscode.workspace.getConfiguration('asmTroubleshooter').get<number>('intake.port', 8126);
      let intake: Intake;
      try {
        intake = await controller.start(port);
      } catch (e) {
        output.error(`intake: could not start on 127.0.0.1:${port}: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`Could not start the local trace intake on 127.0.0.1:${port}: ${(e as Error).message}`);
        return undefined;
      }
      output.info(`intake: listening on ${intake.url} — not a Datadog Agent: received traces stay in memory, nothing is forwarded.`);
      void vscode.commands.executeCommand('asmTroubleshooter.traces.focus');
      const msg =
        intake.requestedPort !== null
          ? `Port ${intake.requestedPort} is busy (a Datadog Agent?). The local trace intake listens on ${intake.url}: start your service with ${intake.agentUrlEnv}.`
          : `Local trace intake listening on ${intake.url}. Start your service with ${intake.agentUrlEnv} and DD_APPSEC_ENABLED=true.`;
      void vscode.window.showInformationMessage(msg, 'Copy DD_TRACE_AGENT_URL').then((pick) => {
        if (pick) void vscode.env.clipboard.writeText(intake.agentUrlEnv);
      });
      return { url: intake.url, port: intake.port };
    }),
    vscode.commands.registerCommand('asmTroubleshooter.stopIntake', async () => {
      const i = controller.current;
      if (!(await controller.stop())) {
        void vscode.window.showInformationMessage('The local trace intake is not running.');
        return false;
      }
      const s = i!.stats();
      output.info(`intake: stopped (${s.traces} trace(s), ${s.events} ASM event(s), ${s.malformed} malformed payload(s)).`);
      return true;
    }),
  );
  updateView();
  return controller;
}
