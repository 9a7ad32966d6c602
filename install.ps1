<#
.SYNOPSIS
  Installs the openclaw binary for Windows (x64), verified by SHA-256.

.DESCRIPTION
  Downloads openclaw-<version>-windows-x64.zip from the release base URL, checks it against the
  release's SHA256SUMS, and installs openclaw.exe (default: ~\.local\bin). Re-running it
  upgrades in place. Nothing in the install directory changes until the download has been
  verified, extracted and run once, so a failed download or checksum leaves an existing
  install as it was. The replaced binary is kept as openclaw.exe.previous
  (for `openclaw update --rollback`).

  irm https://releases.openclaw-gateway-bun.dev/install.ps1 | iex
  & ([scriptblock]::Create((irm https://releases.openclaw-gateway-bun.dev/install.ps1))) -Version 0.1.0 -Service

  Environment: OPENCLAW_INSTALL_BASE overrides where releases are downloaded from.

.PARAMETER Version
  Install this version (default: the newest, read from <base>/latest).
.PARAMETER Prefix
  Install into this directory (default: ~\.local\bin).
.PARAMETER ModifyPath
  Add the directory to the user's PATH (default: only print how).
.PARAMETER Service
  Then run `openclaw setup` (when there is no config yet) and `openclaw gateway install`.
.PARAMETER Quiet
  Print only errors.
#>
param(
  [string]$Version = "",
  [string]$Prefix = "",
  [switch]$ModifyPath,
  [switch]$Service,
  [switch]$Quiet,
  [switch]$Help
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = "Stop"
# The progress bar makes Invoke-WebRequest many times slower on Windows PowerShell 5.1.
$ProgressPreference = "SilentlyContinue"

$DefaultBase = "https://releases.openclaw-gateway-bun.dev"
$Target = "windows-x64"

function Say([string]$Text) {
  if (-not $Quiet) { Write-Host $Text }
}

function Fail([string]$Text) {
  # Caught at the bottom: one `error:` line, like install.sh, not a PowerShell error record.
  throw $Text
}

if ($Help) {
  Write-Host "usage: install.ps1 [-Version V] [-Prefix DIR] [-ModifyPath] [-Service] [-Quiet]"
  Write-Host "  -Version V     install version V (default: the newest, read from <base>/latest)"
  Write-Host "  -Prefix DIR    install into DIR (default: ~\.local\bin)"
  Write-Host "  -ModifyPath    add DIR to your user PATH (default: only print how)"
  Write-Host "  -Service       then run 'openclaw setup' (when there is no config) and 'openclaw gateway install'"
  Write-Host "  -Quiet         print only errors"
  Write-Host "environment: OPENCLAW_INSTALL_BASE (default: $DefaultBase)"
  return
}

function Test-VersionShape([string]$Text) {
  return $Text -match '^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$'
}

function Get-Download([string]$Url, [string]$Dest) {
  try {
    Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile $Dest
  } catch {
    Fail "download failed: $Url ($($_.Exception.Message))"
  }
}

function Get-Arch {
  # A 32-bit PowerShell on 64-bit Windows reports x86 here and the real CPU in ...W6432.
  $arch = $env:PROCESSOR_ARCHITEW6432
  if (-not $arch) { $arch = $env:PROCESSOR_ARCHITECTURE }
  switch ($arch) {
    "AMD64" { return "x64" }
    "ARM64" {
      Say "note: there is no Windows arm64 build yet; installing the x64 one, which Windows 11 on ARM runs emulated"
      return "x64"
    }
    default { Fail "no openclaw build for the $arch CPU on Windows (there is an x64 build)" }
  }
}

function Add-UserPath([string]$Dir) {
  $current = [Environment]::GetEnvironmentVariable("Path", "User")
  $parts = @()
  if ($current) { $parts = $current.Split(";") | Where-Object { $_ } }
  if ($parts -contains $Dir) { return $false }
  [Environment]::SetEnvironmentVariable("Path", (@($Dir) + $parts) -join ";", "User")
  return $true
}

function Install-Openclaw {
  $base = $env:OPENCLAW_INSTALL_BASE
  if (-not $base) { $base = $DefaultBase }
  $base = $base.TrimEnd("/")
  if ($base -notmatch '^https?://') { Fail "OPENCLAW_INSTALL_BASE must be an http(s) URL, not '$base'" }

  $prefixDir = $Prefix
  if (-not $prefixDir) { $prefixDir = Join-Path $HOME ".local\bin" }
  $prefixDir = [IO.Path]::GetFullPath($prefixDir)
  $null = Get-Arch

  # TLS 1.2 is not on by default in Windows PowerShell 5.1 on older Windows 10 builds.
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

  $tmp = Join-Path ([IO.Path]::GetTempPath()) ("openclaw-install-" + [Guid]::NewGuid().ToString("N"))
  $staged = Join-Path $prefixDir "openclaw.exe.tmp.$PID"
  New-Item -ItemType Directory -Path $tmp | Out-Null
  try {
    $ver = $Version
    if (-not $ver) {
      Get-Download "$base/latest" (Join-Path $tmp "latest")
      $ver = (Get-Content -Path (Join-Path $tmp "latest") -TotalCount 1).Trim()
      if (-not (Test-VersionShape $ver)) { Fail "$base/latest does not name a version" }
    } else {
      $ver = $ver -replace '^v(?=\d)', ''
      if (-not (Test-VersionShape $ver)) { Fail "'$ver' is not a version (e.g. 0.1.0)" }
    }

    $file = "openclaw-$ver-$Target.zip"
    Say "installing openclaw $ver ($Target) into $prefixDir"
    Get-Download "$base/$ver/SHA256SUMS" (Join-Path $tmp "SHA256SUMS")
    $expected = $null
    foreach ($line in Get-Content -Path (Join-Path $tmp "SHA256SUMS")) {
      $fields = $line.Trim() -split '\s+', 2
      if ($fields.Count -eq 2 -and ($fields[1] -eq $file -or $fields[1] -eq "*$file")) { $expected = $fields[0].ToLowerInvariant(); break }
    }
    if (-not $expected) { Fail "$base/$ver/SHA256SUMS has no line for $file (is there a $Target build of $ver?)" }
    if ($expected -notmatch '^[0-9a-f]{64}$') { Fail "$base/$ver/SHA256SUMS has a malformed line for $file" }

    $archive = Join-Path $tmp $file
    Get-Download "$base/$ver/$file" $archive
    $actual = (Get-FileHash -Algorithm SHA256 -Path $archive).Hash.ToLowerInvariant()
    if ($actual -ne $expected) { Fail "checksum mismatch for ${file}: expected $expected, got $actual; nothing was installed" }

    $extracted = Join-Path $tmp "x"
    try {
      Expand-Archive -Path $archive -DestinationPath $extracted
    } catch {
      Fail "cannot extract ${file}: $($_.Exception.Message); nothing was installed"
    }
    $exe = Join-Path $extracted "openclaw.exe"
    if (-not (Test-Path -PathType Leaf $exe)) { Fail "$file holds no openclaw.exe; nothing was installed" }
    # Run it once before it replaces anything: a binary this machine cannot run must not win.
    & $exe --version *> $null
    if ($LASTEXITCODE -ne 0) { Fail "the downloaded openclaw.exe does not run on this machine; nothing was installed" }

    New-Item -ItemType Directory -Force -Path $prefixDir | Out-Null
    $dest = Join-Path $prefixDir "openclaw.exe"
    $previous = Join-Path $prefixDir "openclaw.exe.previous"
    Copy-Item -Path $exe -Destination $staged -Force
    # Windows cannot overwrite a running .exe but can rename it: the old one moves aside first
    # (kept for `openclaw update --rollback`) and comes back if the new one cannot take its place.
    if (Test-Path -PathType Leaf $dest) {
      if (Test-Path $previous) { Remove-Item -Force $previous }
      Move-Item -Path $dest -Destination $previous
      try {
        Move-Item -Path $staged -Destination $dest
      } catch {
        Move-Item -Path $previous -Destination $dest
        Fail "cannot move openclaw.exe into ${prefixDir}: $($_.Exception.Message)"
      }
    } else {
      Move-Item -Path $staged -Destination $dest
    }

    $installed = (& $dest --version 2>$null | Select-Object -First 1)
    Say "installed: $installed"

    $onPath = ($env:Path -split ";") -contains $prefixDir
    if (-not $onPath) {
      if ($ModifyPath) {
        if (Add-UserPath $prefixDir) { Say "added $prefixDir to your user PATH; open a new terminal to use openclaw" }
        else { Say "$prefixDir is already on your user PATH; open a new terminal to use openclaw" }
      } else {
        Say ""
        Say "$prefixDir is not on your PATH. Add it for your user with:"
        Say "  [Environment]::SetEnvironmentVariable('Path', '$prefixDir;' + [Environment]::GetEnvironmentVariable('Path', 'User'), 'User')"
        Say "(or re-run the installer with -ModifyPath to have it added)"
      }
    }

    if ($Service) {
      $config = $env:OPENCLAW_CONFIG_PATH
      if (-not $config) {
        $state = $env:OPENCLAW_STATE_DIR
        if (-not $state) { $state = Join-Path $HOME ".openclaw" }
        $config = Join-Path $state "openclaw.json"
      }
      if (-not (Test-Path -PathType Leaf $config)) {
        Say "running: openclaw setup"
        & $dest setup
        if ($LASTEXITCODE -ne 0) { Fail "openclaw setup failed (openclaw itself is installed at $dest)" }
      }
      Say "running: openclaw gateway install"
      & $dest gateway install
      if ($LASTEXITCODE -ne 0) { Fail "openclaw gateway install failed (openclaw itself is installed at $dest)" }
    } else {
      Say ""
      Say "next: openclaw setup; openclaw gateway install   (runs the gateway as a Scheduled Task)"
    }
  } finally {
    if (Test-Path $staged) { Remove-Item -Force $staged -ErrorAction SilentlyContinue }
    Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
  }
}

try {
  Install-Openclaw
} catch {
  [Console]::Error.WriteLine("error: $($_.Exception.Message)")
  # Run as a file, fail with exit code 1; piped into iex, only stop: `exit` would close the user's shell.
  if ($PSCommandPath) { exit 1 }
}
