#!/usr/bin/env bash
# Regenerates given-names.txt and family-names.txt from an installed PyThaiNLP (the project venv
# gets it from scripts/setup-deps.sh): bash assets/lexicons/names/make_names.sh [python]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${1:-$here/../../../.venv/bin/python}
corpus=$("$py" -c 'import os, pythainlp.corpus as c; print(os.path.dirname(c.__file__))')
version=$("$py" -c 'import pythainlp; print(pythainlp.__version__)')
write() { # out, description, source files...
  local out=$1 what=$2; shift 2
  {
    echo "# Thai $what (one a line), from PyThaiNLP $version's corpus (pythainlp/corpus/$(IFS=+; echo "$*")),"
    echo "# itself the Thai Male and Female Names Corpus by Korkeat Wannapat, CC BY-SA 4.0"
    echo "# (https://creativecommons.org/licenses/by-sa/4.0/). Changed: merged, trailing spaces removed, sorted, de-duplicated."
    for f in "$@"; do cat "$corpus/$f"; done | sed 's/[[:space:]]*$//' | grep -v '^$' | LC_ALL=C sort -u
  } > "$here/$out"
}
write given-names.txt "given names" person_names_male_th.txt person_names_female_th.txt
write family-names.txt "family names" family_names_th.txt
