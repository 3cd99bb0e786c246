#!/usr/bin/env bash
# The State's design system (DSFR), vendored: one command takes it from a registry package and
# writes the files Guichet serves under /static/dsfr/.
#   scripts/vendor-dsfr.sh            the pinned package (below), checked against its digest
#   scripts/vendor-dsfr.sh --check    nothing written: exits non-zero when the vendored files
#                                     differ from what the pinned package gives (CI runs this)
# Where it comes from: the `django-dsfr` wheel on PyPI bundles the DSFR distribution under
# `dsfr/static/dsfr/dist/` (there is no npm here). The wheel is downloaded with pip, its SHA-256
# checked against the one pinned below, and from it are taken:
#   - dsfr.min.css (core, components and print styles in one file) and every font and icon it
#     refers to by url(...), so that no style asks for a file Guichet does not serve;
#   - dsfr.module.min.js and dsfr.nomodule.min.js, for the components that need a script (every
#     page still works without it);
#   - the favicon set, and the licence (MIT for the code; the Marianne font and the bloc-marque
#     are reserved to State services: see README.md, "Design system");
#   - VERSION.txt: the DSFR version (read from the style sheet's banner), the wheel and its digest.
# Nothing is fetched at run time: the files are part of the repository and of the server's
# bundle. To move to another DSFR, change the two pins, run this script and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."

package_version="3.6.1"
package_sha256="c59bb7db779d7a605f5be26c9d9f0dfe4a44073f861148df5a22c85bdb250067"
target="Sources/GuichetApp/Resources/Public/static/dsfr"

check=""
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *)
    echo "usage: scripts/vendor-dsfr.sh [--check]" >&2
    exit 2
    ;;
esac

command -v python3 >/dev/null 2>&1 || { echo "python3 is needed" >&2; exit 1; }
work=$(mktemp -d /tmp/guichet-dsfr.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  "django-dsfr==$package_version" -d "$work/wheel" 2>&1 | { grep -v "Running pip as the .root. user" || true; }
wheel=$(ls "$work"/wheel/django_dsfr-"$package_version"-*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || { echo "django-dsfr $package_version could not be downloaded" >&2; exit 1; }
digest=$(sha256sum "$wheel" | awk '{print $1}')
if [ "$digest" != "$package_sha256" ]; then
  echo "$(basename "$wheel"): SHA-256 $digest, expected $package_sha256: refused" >&2
  exit 1
fi

python3 - "$wheel" "$work/out" "$package_version" "$package_sha256" <<'PY'
import os, re, sys, zipfile

wheel, out, package_version, package_sha256 = sys.argv[1:5]
dist = "dsfr/static/dsfr/dist/"
archive = zipfile.ZipFile(wheel)

def read(name):
    return archive.read(dist + name)

def write(name, data):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

css = read("dsfr.min.css")
banner = re.search(rb"DSFR v([0-9][0-9.]*)", css)
if not banner:
    sys.exit("dsfr.min.css has no DSFR version banner")
version = banner.group(1).decode()
write("dsfr.min.css", css)
# Every file the style sheet refers to (fonts, icons), relative to the style sheet.
referred = sorted({u.strip(b"'\"") for u in re.findall(rb"url\(([^)]+)\)", css)} - {b""})
count = 0
for url in referred:
    name = url.decode()
    if name.startswith("data:") or name.startswith("#"):
        continue
    if "://" in name or name.startswith("/") or ".." in name:
        sys.exit(f"dsfr.min.css refers to {name}: not a file of the distribution")
    write(name, read(name))
    count += 1
for name in ["dsfr.module.min.js", "dsfr.nomodule.min.js"]:
    write(name, read(name))
for name in archive.namelist():
    if name.startswith(dist + "favicon/") and not name.endswith("/"):
        write(name[len(dist):], archive.read(name))
write("LICENSE.txt", archive.read("LICENSE"))
write(
    "VERSION.txt",
    (
        f"DSFR {version}\n"
        f"from django-dsfr {package_version} (PyPI), {os.path.basename(wheel)}\n"
        f"sha256 {package_sha256}\n"
        f"{count} fonts and icons referred to by dsfr.min.css\n"
    ).encode(),
)
print(f"DSFR {version}: dsfr.min.css, {count} fonts and icons, scripts, favicons, licence")
PY

if [ -n "$check" ]; then
  if diff -r "$work/out" "$target" >/dev/null 2>&1; then
    echo "The vendored DSFR matches django-dsfr $package_version."
  else
    diff -rq "$work/out" "$target" | head -n 20 >&2 || true
    echo "The vendored DSFR differs from django-dsfr $package_version: run scripts/vendor-dsfr.sh" >&2
    exit 1
  fi
else
  rm -rf "$target"
  mkdir -p "$(dirname "$target")"
  cp -r "$work/out" "$target"
  echo "Written to $target ($(du -sh "$target" | awk '{print $1}'))."
fi
