"""Minimal .po reader/writer for filling translations."""
import re

def _unq(s):
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    return s[1:-1].encode("raw_unicode_escape").decode("unicode_escape") if "\\" in s else s[1:-1]

def unescape(s):
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")

def escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")

def parse(text):
    entries = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        e = {"comments": [], "fields": {}, "order": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                e["comments"].append(line)
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$', line)
            if m:
                key = m.group(1)
                e["fields"][key] = unescape(m.group(2))
                e["order"].append(key)
            elif line.startswith('"'):
                e["fields"][key] += unescape(line.strip()[1:-1])
        entries.append(e)
    return entries

def write(entries):
    out = []
    for e in entries:
        lines = list(e["comments"])
        for key in e["order"]:
            val = e["fields"][key]
            if "\n" in val[:-1] or len(val) > 70:
                parts = re.split(r"(?<=\n)", val)
                lines.append(f'{key} ""')
                for p in parts:
                    if p:
                        lines.append(f'"{escape(p)}"')
            else:
                lines.append(f'{key} "{escape(val)}"')
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
