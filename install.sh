#!/bin/sh
# OpenClaw installer: downloads the openclaw binary for this machine, verifies its SHA-256
# against the release's SHA256SUMS, and installs it (default ~/.local/bin). Re-running it
# upgrades in place. Nothing in the install dir changes until the download has been verified,
# extracted and run once, so a failed download or checksum leaves an existing install as it was.
#
#   curl -fsSL https://releases.openclaw-gateway-bun.dev/install.sh | sh
#   curl -fsSL https://releases.openclaw-gateway-bun.dev/install.sh | sh -s -- --version 0.1.0 --service
#
# POSIX sh only (runs under dash, busybox sh, bash --posix); checked with shellcheck.
set -eu

DEFAULT_BASE="https://releases.openclaw-gateway-bun.dev"
base="${OPENCLAW_INSTALL_BASE:-$DEFAULT_BASE}"
version=""
prefix=""
target=""
modify_path=0
service=0
quiet=0
tmp=""
staged=""

usage() {
  cat <<EOF
Installs the openclaw binary for this machine.

usage: install.sh [options]
  --version V      install version V (default: the newest, read from <base>/latest)
  --prefix DIR     install into DIR (default: ~/.local/bin)
  --target T       skip detection and install target T (linux-x64, linux-x64-baseline,
                   linux-arm64, darwin-x64, darwin-arm64)
  --modify-path    add DIR to PATH in your shell's rc file (default: only print the line)
  --service        then run 'openclaw setup' (when there is no config yet) and
                   'openclaw gateway install' (the gateway as a launchd/systemd service)
  --quiet, -q      print only errors
  --help, -h       this help

environment:
  OPENCLAW_INSTALL_BASE   where releases are downloaded from (default: $DEFAULT_BASE)
EOF
}

say() {
  if [ "$quiet" = 0 ]; then printf '%s\n' "$*"; fi
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  if [ -n "$staged" ]; then rm -f "$staged"; fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}

need_value() {
  if [ "$2" -lt 2 ]; then die "$1 needs a value (see --help)"; fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) need_value "$1" $#; version="$2"; shift 2 ;;
    --version=*) version="${1#--version=}"; shift ;;
    --prefix) need_value "$1" $#; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --target) need_value "$1" $#; target="$2"; shift 2 ;;
    --target=*) target="${1#--target=}"; shift ;;
    --modify-path) modify_path=1; shift ;;
    --service) service=1; shift ;;
    --quiet | -q) quiet=1; shift ;;
    --help | -h) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# A version ends up in URLs and file names: only the characters a version has.
valid_version() {
  case "$1" in
    "" | *[!0-9A-Za-z.+-]* | .* ) return 1 ;;
    *) return 0 ;;
  esac
}

is_musl() {
  for loader in /lib/ld-musl-*; do
    if [ -e "$loader" ]; then return 0; fi
  done
  if command -v ldd >/dev/null 2>&1 && ldd --version 2>&1 | grep -qi musl; then return 0; fi
  return 1
}

# The Bun runtime in the linux-x64 build needs AVX2; older CPUs get the baseline build.
# OPENCLAW_INSTALL_CPUINFO lets a test (or a curious user) point at another cpuinfo file.
has_avx2() {
  cpuinfo="${OPENCLAW_INSTALL_CPUINFO:-/proc/cpuinfo}"
  if [ ! -r "$cpuinfo" ]; then return 0; fi
  grep -qw avx2 "$cpuinfo"
}

detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$os" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows*) die "on Windows, use install.ps1: irm $base/install.ps1 | iex" ;;
    *) die "no openclaw build for $os; see the README for building from source" ;;
  esac
  case "$arch" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no openclaw build for the $arch CPU on $os (there are x64 and arm64 builds)" ;;
  esac
  # Under Rosetta a shell reports x86_64 on an Apple silicon Mac: the native build is faster.
  if [ "$os" = darwin ] && [ "$arch" = x64 ]; then
    if [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then arch=arm64; fi
  fi
  if [ "$os" = linux ]; then
    if is_musl; then
      die "this Linux uses musl libc (e.g. Alpine); the openclaw builds need glibc. Use a glibc distribution or container (e.g. Debian), or install gcompat at your own risk"
    fi
    if [ "$arch" = x64 ] && ! has_avx2; then
      printf '%s\n' "linux-x64-baseline"
      return
    fi
  fi
  printf '%s\n' "$os-$arch"
}

download() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --output "$2" "$1" || die "download failed: $1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --output-document="$2" "$1" || die "download failed: $1"
  else
    die "neither curl nor wget is installed; install one of them and run this again"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed, so the download cannot be verified"
  fi
}

# The shell's rc file that --modify-path appends to.
rc_file() {
  case "${SHELL:-}" in
    */zsh) printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc" ;;
    */bash) if [ "$(uname -s)" = Darwin ]; then printf '%s\n' "$HOME/.bash_profile"; else printf '%s\n' "$HOME/.bashrc"; fi ;;
    */fish) printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish" ;;
    *) printf '%s\n' "$HOME/.profile" ;;
  esac
}

# shellcheck disable=SC2016 # $PATH is for the rc file to expand, not this script.
path_line() {
  case "${SHELL:-}" in
    */fish) printf 'fish_add_path "%s"\n' "$1" ;;
    *) printf 'export PATH="%s:$PATH"\n' "$1" ;;
  esac
}

on_path() {
  case ":${PATH:-}:" in
    *":$1:"*) return 0 ;;
    *) return 1 ;;
  esac
}

offer_path() {
  if on_path "$prefix"; then return; fi
  line=$(path_line "$prefix")
  rc=$(rc_file)
  if [ "$modify_path" = 1 ]; then
    if [ -f "$rc" ] && grep -qxF "$line" "$rc"; then
      say "$rc already adds $prefix to PATH; open a new shell to use openclaw"
    else
      mkdir -p "$(dirname "$rc")"
      printf '\n# added by the openclaw installer\n%s\n' "$line" >>"$rc"
      say "added $prefix to PATH in $rc; open a new shell (or run: $line)"
    fi
  else
    say ""
    say "$prefix is not on your PATH. Add it with this line in $rc:"
    say "  $line"
    say "(or re-run the installer with --modify-path to have it added)"
  fi
}

run_service_setup() {
  config="${OPENCLAW_CONFIG_PATH:-${OPENCLAW_STATE_DIR:-$HOME/.openclaw}/openclaw.json}"
  if [ ! -f "$config" ]; then
    say "running: openclaw setup"
    "$prefix/openclaw" setup || die "openclaw setup failed (openclaw itself is installed at $prefix/openclaw)"
  fi
  say "running: openclaw gateway install"
  "$prefix/openclaw" gateway install || die "openclaw gateway install failed (openclaw itself is installed at $prefix/openclaw)"
}

main() {
  if [ -z "$prefix" ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set; pass --prefix DIR"
    prefix="$HOME/.local/bin"
  fi
  case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
  esac
  base="${base%/}"
  case "$base" in
    http://* | https://* | file://*) ;;
    *) die "OPENCLAW_INSTALL_BASE must be an http(s) (or, with curl, file://) URL, not '$base'" ;;
  esac
  if [ -z "$target" ]; then target=$(detect_target) || exit 1; fi
  case "$target" in
    linux-x64 | linux-x64-baseline | linux-arm64 | darwin-x64 | darwin-arm64) ;;
    *) die "unknown target '$target' (known: linux-x64, linux-x64-baseline, linux-arm64, darwin-x64, darwin-arm64)" ;;
  esac

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/openclaw-install.XXXXXX") || die "cannot create a temporary directory"

  if [ -z "$version" ]; then
    download "$base/latest" "$tmp/latest"
    version=$(head -n 1 "$tmp/latest" | tr -d ' \t\r')
    valid_version "$version" || die "$base/latest does not name a version"
  else
    version="${version#v}"
    valid_version "$version" || die "'$version' is not a version (e.g. 0.1.0)"
  fi

  file="openclaw-$version-$target.tar.gz"
  say "installing openclaw $version ($target) into $prefix"
  download "$base/$version/SHA256SUMS" "$tmp/SHA256SUMS"
  expected=$(awk -v f="$file" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
  case "$expected" in
    "") die "$base/$version/SHA256SUMS has no line for $file (is there a $target build of $version?)" ;;
    *[!0-9a-fA-F]*) die "$base/$version/SHA256SUMS has a malformed line for $file" ;;
  esac
  [ ${#expected} -eq 64 ] || die "$base/$version/SHA256SUMS has a malformed line for $file"
  download "$base/$version/$file" "$tmp/$file"
  actual=$(sha256_of "$tmp/$file")
  expected=$(printf '%s' "$expected" | tr 'A-F' 'a-f')
  if [ "$actual" != "$expected" ]; then
    die "checksum mismatch for $file: expected $expected, got $actual; nothing was installed"
  fi

  mkdir "$tmp/x"
  tar -xzf "$tmp/$file" -C "$tmp/x" || die "cannot extract $file; nothing was installed"
  if [ ! -f "$tmp/x/openclaw" ] || [ -L "$tmp/x/openclaw" ]; then
    die "$file holds no openclaw binary; nothing was installed"
  fi
  chmod 755 "$tmp/x/openclaw"
  # Run it once before it replaces anything: a binary this machine cannot run must not win.
  "$tmp/x/openclaw" --version >/dev/null 2>&1 || die "the downloaded openclaw does not run on this machine ($target); nothing was installed"

  mkdir -p "$prefix" || die "cannot create $prefix"
  # mv would move the new binary *into* a directory of that name.
  if [ -d "$prefix/openclaw" ]; then die "$prefix/openclaw is a directory; move it away or pass another --prefix"; fi
  # Copied next to its final name, then renamed over it: the install dir never holds a
  # half-written openclaw, and a running one keeps its (old) file until it exits.
  staged="$prefix/openclaw.tmp.$$"
  cp "$tmp/x/openclaw" "$staged" || die "cannot write into $prefix; nothing was installed"
  chmod 755 "$staged"
  if [ -f "$prefix/openclaw" ]; then
    # Kept for `openclaw update --rollback`.
    ln -f "$prefix/openclaw" "$prefix/openclaw.previous" 2>/dev/null || cp -p "$prefix/openclaw" "$prefix/openclaw.previous" || true
  fi
  mv -f "$staged" "$prefix/openclaw" || die "cannot move openclaw into $prefix"
  staged=""

  say "installed: $("$prefix/openclaw" --version 2>/dev/null || echo "openclaw $version")"
  offer_path
  if [ "$service" = 1 ]; then
    run_service_setup
  elif [ "$quiet" = 0 ]; then
    say ""
    say "next: openclaw setup && openclaw gateway install   (runs the gateway as a service)"
  fi
}

main
