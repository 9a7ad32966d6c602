/**
 * The Task Scheduler definition (schema 1.2) for the gateway: started at the user's logon, no run
 * time limit, restarted on failure, never two copies, running the hidden .vbs launcher.
 * schtasks /XML wants UTF-16 with a BOM, matching the `encoding` in the declaration.
 */
import { escapeXml } from "./launchd-plist.ts";
import type { ServiceSpec } from "./types.ts";

export interface TaskXmlOptions {
  /** `DOMAIN\user` the logon trigger and principal are for. */
  userId: string;
  /** Windows path of the launcher .vbs. */
  launcherPath: string;
}

export function renderTaskXml(spec: ServiceSpec, options: TaskXmlOptions): string {
  const e = escapeXml;
  const lines = [
    `<?xml version="1.0" encoding="UTF-16"?>`,
    `<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">`,
    `  <RegistrationInfo>`,
    `    <Description>${e(`OpenClaw Gateway (v${spec.version})`)}</Description>`,
    `    <URI>${e(`\\${spec.name}`)}</URI>`,
    `  </RegistrationInfo>`,
    `  <Triggers>`,
    `    <LogonTrigger>`,
    `      <Enabled>true</Enabled>`,
    `      <UserId>${e(options.userId)}</UserId>`,
    `    </LogonTrigger>`,
    `  </Triggers>`,
    `  <Principals>`,
    `    <Principal id="Author">`,
    `      <UserId>${e(options.userId)}</UserId>`,
    // Interactive + least privilege: a per-user task that needs no admin rights and no password.
    `      <LogonType>InteractiveToken</LogonType>`,
    `      <RunLevel>LeastPrivilege</RunLevel>`,
    `    </Principal>`,
    `  </Principals>`,
    `  <Settings>`,
    // A second trigger while the gateway runs must not start another one fighting for the port.
    `    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>`,
    `    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>`,
    `    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>`,
    `    <AllowHardTerminate>true</AllowHardTerminate>`,
    `    <StartWhenAvailable>true</StartWhenAvailable>`,
    `    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>`,
    `    <IdleSettings>`,
    `      <StopOnIdleEnd>false</StopOnIdleEnd>`,
    `      <RestartOnIdle>false</RestartOnIdle>`,
    `    </IdleSettings>`,
    `    <AllowStartOnDemand>true</AllowStartOnDemand>`,
    `    <Enabled>true</Enabled>`,
    `    <Hidden>false</Hidden>`,
    `    <RunOnlyIfIdle>false</RunOnlyIfIdle>`,
    `    <WakeToRun>false</WakeToRun>`,
    // The default limit is 72 h, after which Task Scheduler would kill a healthy gateway.
    `    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>`,
    `    <Priority>7</Priority>`,
    `    <RestartOnFailure>`,
    `      <Interval>PT1M</Interval>`,
    `      <Count>999</Count>`,
    `    </RestartOnFailure>`,
    `  </Settings>`,
    `  <Actions Context="Author">`,
    `    <Exec>`,
    `      <Command>wscript.exe</Command>`,
    `      <Arguments>${e(`//B //NoLogo "${options.launcherPath}"`)}</Arguments>`,
    `      <WorkingDirectory>${e(spec.workingDirectory)}</WorkingDirectory>`,
    `    </Exec>`,
    `  </Actions>`,
    `</Task>`,
    ``,
  ];
  return lines.join("\r\n");
}

/** UTF-16 LE with a byte-order mark, the encoding schtasks /XML reads reliably. */
export function encodeUtf16LeBom(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 + i * 2] = unit & 0xff;
    bytes[3 + i * 2] = unit >> 8;
  }
  return bytes;
}
