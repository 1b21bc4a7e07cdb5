#!/usr/bin/env python3
"""Refreshes the upstream data the infrastructure tests check manifests/eks against.

For every helm_release of manifests/eks that takes values it writes charts/<chart>-<version>.tsv: the key paths of the
chart's default values at the pinned version (its own values.yaml and those of the subcharts it packages, under their
alias), and the maps the chart renders verbatim with toYaml. For every helm_release it writes
charts/<chart>-<version>.kinds: the kinds of object the chart's templates and CRD files can create (subcharts
included), which tell whether the release creates Services and whether it has pods to wait for. For the pinned Cilium it writes cilium-<version>-eni-iam.txt: the
EC2 actions the Cilium operator needs in ENI mode, from the "Required Privileges" section of the Cilium
documentation at that tag. For the pinned AWS Load Balancer Controller it writes
aws-load-balancer-controller-<version>-service-annotations.txt: the Service annotations its NLB model reads, from
the controller's source at the chart's appVersion tag.

Run it from anywhere after a pin in manifests/eks moves, then review the diff:

    python3 tests/Infrastructure.Tests/Upstream/refresh.py

Sources, by default downloaded from the public origins the configuration itself names: each chart's archive from
the Helm repository of its helm_release (the repository's index.yaml gives the archive's URL), Cilium's
Documentation/network/concepts/ipam/eni.rst from github.com/cilium/cilium at tag v<version>, and the controller's
pkg/annotations/constants.go and controllers/service/service_controller.go from
github.com/kubernetes-sigs/aws-load-balancer-controller at the tag of its appVersion. --chart NAME=PATH (a chart
directory or .tgz, laid out as the packaged chart: Chart.yaml, values.yaml, templates/, charts/), --eni-doc PATH and
--lbc-source DIR (a checkout of the controller at that tag) use local copies instead. Needs Python 3, PyYAML, and
node with the HCL parser of ../hcl installed.

eks-kubernetes-versions.tsv (the EKS release calendar) and kubernetes-compatibility.tsv (the Kubernetes versions each
pinned chart's project says it supports) are kept by hand, each line with its source: a moved pin needs its line.
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.parse
import urllib.request
from datetime import date, datetime

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EKS = os.path.join(ROOT, "manifests", "eks")
PARSER = os.path.join(HERE, "..", "hcl")
LONG_STRING = 120
ENI_DOC = "https://raw.githubusercontent.com/cilium/cilium/v{version}/Documentation/network/concepts/ipam/eni.rst"
LBC_SOURCE = "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/{tag}/{path}"
LBC_CONSTANTS = "pkg/annotations/constants.go"
LBC_SERVICE_CONTROLLER = "controllers/service/service_controller.go"


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--chart", action="append", default=[], metavar="NAME=PATH", help="use a local chart")
    arguments.add_argument("--eni-doc", metavar="PATH", help="use a local copy of Cilium's eni.rst")
    arguments.add_argument("--lbc-source", metavar="DIR", help="use a local checkout of the load balancer controller")
    options = arguments.parse_args()
    local_charts = dict(entry.split("=", 1) for entry in options.chart)

    for release in helm_releases():
        name, version = release["chart"], release["version"]
        source = local_charts.get(name)
        if source:
            origin = f"chart {name} {version} of the Helm repository {release['repository']} (a local copy)"
            chart = load_chart(read_source(source))
        else:
            origin = archive_url(release["repository"], name, version)
            chart = load_chart(untar(download(origin)))
        if chart.meta.get("version") != version:
            sys.exit(f"{origin}: Chart.yaml says version {chart.meta.get('version')}, the pin is {version}")
        write_kinds_data(name, version, origin, chart)
        if release["has_values"]:
            write_chart_data(name, version, origin, chart)
        if name == "cilium":
            doc_origin = ENI_DOC.format(version=version)
            text = read_text(options.eni_doc) if options.eni_doc else download(doc_origin).decode("utf-8")
            if options.eni_doc:
                doc_origin += " (a local copy)"
            write_eni_data(version, doc_origin, text)
        if name == "aws-load-balancer-controller":
            tag = chart.meta["appVersion"]
            sources = {}
            for path in (LBC_CONSTANTS, LBC_SERVICE_CONTROLLER):
                url = LBC_SOURCE.format(tag=tag, path=path)
                if options.lbc_source:
                    sources[path] = (url + " (a local copy)", read_text(os.path.join(options.lbc_source, path)))
                else:
                    sources[path] = (url, download(url).decode("utf-8"))
            write_lbc_annotation_data(version, tag, sources)


def helm_releases():
    """Each helm_release of manifests/eks: chart, repository, pinned version, and whether it takes values."""
    files = sorted(os.path.join(EKS, f) for f in os.listdir(EKS) if f.endswith(".tf"))
    parsed = json.loads(subprocess.run(["node", "hcl2json.mjs", *files], cwd=PARSER, check=True,
                                       capture_output=True, text=True).stdout)
    charts, releases = {}, []
    for content in parsed.values():
        for block in content.get("locals", []):
            charts.update(block.get("charts", {}))
        for resource in content.get("resource", {}).get("helm_release", {}).values():
            releases.append(resource[0])
    found = []
    for release in releases:
        version = re.sub(r"^\$\{local\.charts\.(\w+)\}$", lambda m: charts[m.group(1)], release["version"])
        found.append({"chart": release["chart"], "repository": release["repository"], "version": version,
                      "has_values": "values" in release or "set" in release})
    return found


class Chart:
    def __init__(self, meta, values, templates, subcharts):
        self.meta, self.values, self.templates, self.subcharts = meta, values, templates, subcharts

    @property
    def texts(self):
        return [text for path, text in self.templates.items() if path.startswith("templates/")]


def load_chart(files):
    """A chart from {relative path: bytes} with the chart folder stripped; packaged subcharts are loaded too."""
    meta = yaml.safe_load(files["Chart.yaml"])
    values = yaml.safe_load(files.get("values.yaml", b"")) or {}
    # templates/ is rendered; crds/ is installed as it is, before the templates.
    templates = {path: data.decode("utf-8", "replace") for path, data in files.items()
                 if path.startswith(("templates/", "crds/"))}
    subcharts = {}
    for path, data in files.items():
        parts = path.split("/")
        if len(parts) == 2 and parts[0] == "charts" and parts[1].endswith(".tgz"):
            sub = load_chart(untar(data))
            subcharts[sub.meta["name"]] = sub
    for directory in {p.split("/")[1] for p in files if p.startswith("charts/") and p.count("/") >= 2}:
        prefix = f"charts/{directory}/"
        inner = {p[len(prefix):]: d for p, d in files.items() if p.startswith(prefix)}
        if "Chart.yaml" in inner:
            sub = load_chart(inner)
            subcharts[sub.meta["name"]] = sub
    return Chart(meta, values, templates, subcharts)


def read_source(path):
    if os.path.isdir(path):
        files = {}
        for folder, _, names in os.walk(path):
            for name in names:
                full = os.path.join(folder, name)
                with open(full, "rb") as stream:
                    files[os.path.relpath(full, path).replace(os.sep, "/")] = stream.read()
        return files
    with open(path, "rb") as stream:
        return untar(stream.read())


def untar(data):
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile():
                files[member.name.split("/", 1)[1]] = archive.extractfile(member).read()
    return files


def archive_url(repository, name, version):
    index_url = repository.rstrip("/") + "/index.yaml"
    index = yaml.safe_load(download(index_url))
    for entry in index.get("entries", {}).get(name, []):
        if entry.get("version") == version:
            return urllib.parse.urljoin(index_url, entry["urls"][0])
    sys.exit(f"{index_url} has no {name} {version}")


def download(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def read_text(path):
    with open(path, encoding="utf-8") as stream:
        return stream.read()


def flatten(values, prefix=""):
    """(path, value) for every leaf: a scalar, an empty map ({}) or a list ([]); keys with dots are escaped."""
    for key, value in values.items():
        path = prefix + str(key).replace(".", "\\.")
        if isinstance(value, dict) and value:
            yield from flatten(value, path + ".")
        else:
            yield path, value


def leaf(value):
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    if isinstance(value, str) and len(value) > LONG_STRING:
        value = value[:LONG_STRING] + "…"
    return json.dumps(value, ensure_ascii=False)


REFERENCE = re.compile(r"\.Values\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
VERBATIM = [
    # .Values.X piped to toYaml within one action, possibly through other functions: (.Values.X | default dict) | toYaml
    re.compile(r"\.Values\.([\w.]+)(?:(?!\}\}|\.Values\.).)*?\|\s*toYaml"),
    re.compile(r"toYaml\s+\(?\s*\.Values\.([\w.]+)"),
]
WITH_BLOCK = re.compile(r"\{\{-?\s*with\s+\.Values\.([\w.]+)\s*-?\}\}(.*?)\{\{-?\s*end", re.S)
DOT_TO_YAML = re.compile(r"toYaml\s+\.\s|\(\s*\.\s*\|\s*toYaml|\.\s*\|\s*toYaml")


def template_texts(chart):
    return chart.texts + [v for _, v in flatten(chart.values) if isinstance(v, str) and "{{" in v]


def verbatim_paths(chart):
    """Paths whose value the chart renders whole with toYaml: any key under them is used."""
    found = set()
    for text in template_texts(chart):
        for pattern in VERBATIM:
            found.update(pattern.findall(text))
        found.update(path for path, body in WITH_BLOCK.findall(text) if DOT_TO_YAML.search(body))
    return found


def default_at(values, path):
    node = values
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None, False
        node = node[key]
    return node, True


def chart_rows(chart, prefix=""):
    """path -> default for the chart and its packaged subcharts; open for verbatim maps, read for keys the templates
    read that the defaults leave out (such as loki.storage.bucketNames, documented only in comments)."""
    def target(path):  # a subchart's globals are the parent's
        return path if path.split(".")[0] == "global" else prefix + path

    rows = {}
    for path, value in flatten(chart.values):
        rows.setdefault(target(path), leaf(value))
    for path in verbatim_paths(chart):
        value, present = default_at(chart.values, path)
        if not present or (isinstance(value, dict) and value):
            rows[target(path)] = "open"
    for text in template_texts(chart):
        for path in REFERENCE.findall(text):
            if not default_at(chart.values, path)[1] and not under_leaf(chart.values, path):
                rows.setdefault(target(path), "read")
    for dependency in chart.meta.get("dependencies") or []:
        sub = chart.subcharts.get(dependency["name"])
        if sub is None:
            sys.exit(f"{chart.meta['name']}: the subchart {dependency['name']} is not packaged with it")
        for path, value in chart_rows(sub, (dependency.get("alias") or dependency["name"]) + ".").items():
            rows.setdefault(path, value)
    return rows


def under_leaf(values, path):
    """True when a proper prefix of path is a default that is not a map (a template reading into a list or scalar)."""
    node = values
    for key in path.split("."):
        if not isinstance(node, dict):
            return True
        if key not in node:
            return False
        node = node[key]
    return False


def write_chart_data(name, version, origin, chart):
    subcharts = ", ".join(f"{d.get('alias') or d['name']} ({chart.subcharts[d['name']].meta['version']})"
                          for d in chart.meta.get("dependencies") or [])
    lines = [
        f"# {name} {version}: the key paths of the chart's default values, one per line: path<TAB>default, where the",
        "# default is a JSON scalar (strings cut at 120 characters), {} (an empty map), [] (a list), open (a map the chart",
        "# renders whole with toYaml: any key under it is used) or read (no default, but the templates read it). Dots",
        "# inside a key are escaped as \\.",
        f"# Source: {origin}" + (f"; subcharts: {subcharts}" if subcharts else ""),
        "# Generated by refresh.py; do not edit.",
    ]
    rows = chart_rows(chart)
    lines += [f"{path}\t{rows[path]}" for path in sorted(rows)]
    folder = os.path.join(HERE, "charts")
    remove_other_versions(folder, re.compile(re.escape(name) + r"-\d.*\.tsv"), f"{name}-{version}.tsv")
    write(os.path.join(folder, f"{name}-{version}.tsv"), lines)


KIND = re.compile(r"^kind:\s*[\"']?([A-Za-z]+)[\"']?\s*$", re.M)


def chart_kinds(chart, prefix=""):
    """(kind, file) for every kind: line of the chart's templates and CRD files, and of its packaged subcharts."""
    found = set()
    for path, text in chart.templates.items():
        found.update((kind, prefix + path) for kind in KIND.findall(text))
    for dependency in chart.meta.get("dependencies") or []:
        sub = chart.subcharts.get(dependency["name"])
        if sub is None:
            sys.exit(f"{chart.meta['name']}: the subchart {dependency['name']} is not packaged with it")
        found.update(chart_kinds(sub, f"{prefix}charts/{dependency.get('alias') or dependency['name']}/"))
    return found


def write_kinds_data(name, version, origin, chart):
    lines = [
        f"# {name} {version}: the kinds of object its templates and CRD files can create (subcharts included), one",
        "# per line: kind<TAB>file. Whether one is created depends on the values; a kind listed here is one the chart",
        "# can create.",
        f"# Source: {origin}",
        "# Generated by refresh.py; do not edit.",
    ]
    lines += [f"{kind}\t{path}" for kind, path in sorted(chart_kinds(chart))]
    folder = os.path.join(HERE, "charts")
    remove_other_versions(folder, re.compile(re.escape(name) + r"-\d.*\.kinds"), f"{name}-{version}.kinds")
    write(os.path.join(folder, f"{name}-{version}.kinds"), lines)


def write_eni_data(version, origin, text):
    section = re.search(r"\n\*+\nRequired Privileges\n\*+\n(.*?)(?:\n\*+\n\S[^\n]*\n\*+\n|\Z)", text, re.S)
    if not section:
        sys.exit(f"{origin}: no 'Required Privileges' section")
    condition, rows = "required", []
    for line in section.group(1).splitlines():
        bullet = re.match(r"\s*\*\s+``(\w+)``", line)
        if bullet:
            rows.append(f"{condition}\tec2:{bullet.group(1)}")
        elif re.match(r"^If\b", line):
            condition = condition_key(line)
    if not rows:
        sys.exit(f"{origin}: no privileges listed")
    lines = [
        f"# Cilium {version}: the EC2 actions the operator needs in ENI mode, one per line: condition<TAB>action, where",
        "# the condition is required or names the feature the documentation says needs the action.",
        f"# Source: {origin}, section \"Required Privileges\".",
        "# Generated by refresh.py; do not edit.",
    ] + rows
    remove_other_versions(HERE, re.compile(r"cilium-\d.*-eni-iam\.txt"), f"cilium-{version}-eni-iam.txt")
    write(os.path.join(HERE, f"cilium-{version}-eni-iam.txt"), lines)


def write_lbc_annotation_data(version, tag, sources):
    """The annotations of a Service the controller reads: its service prefix with each SvcLBSuffix constant."""
    prefix_origin, prefix_text = sources[LBC_SERVICE_CONTROLLER]
    prefix = re.search(r'serviceAnnotationPrefix\s*=\s*"([^"]+)"', prefix_text)
    if not prefix:
        sys.exit(f"{prefix_origin}: no serviceAnnotationPrefix")
    constants_origin, constants_text = sources[LBC_CONSTANTS]
    suffixes = re.findall(r'^\s*SvcLBSuffix\w+\s*=\s*"([^"]+)"', constants_text, re.M)
    if not suffixes:
        sys.exit(f"{constants_origin}: no SvcLBSuffix constants")
    lines = [
        f"# aws-load-balancer-controller {version} ({tag}): the annotations of a Service of type LoadBalancer that the",
        "# controller reads, one per line: its service annotation prefix with each SvcLBSuffix constant.",
        f"# Sources: {constants_origin}; the prefix from {prefix_origin}.",
        "# Generated by refresh.py; do not edit.",
    ] + sorted({f"{prefix.group(1)}/{suffix}" for suffix in suffixes})
    name = "aws-load-balancer-controller"
    remove_other_versions(HERE, re.compile(re.escape(name) + r"-\d.*-service-annotations\.txt"),
                          f"{name}-{version}-service-annotations.txt")
    write(os.path.join(HERE, f"{name}-{version}-service-annotations.txt"), lines)


def condition_key(sentence):
    known = [("ENI GC", "eni-gc"), ("excess IPs", "release-excess-ips"), ("instance-tags-filter", "instance-tags-filter"),
             ("IPv6", "ipv6")]
    for phrase, key in known:
        if phrase in sentence:
            return key
    return re.sub(r"[^a-z0-9]+", "-", sentence.lower()).strip("-")


def remove_other_versions(folder, pattern, keep):
    """The data of the previous pin goes: the tests read the one file of each chart."""
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        if pattern.fullmatch(name) and name != keep:
            os.remove(os.path.join(folder, name))
            print(f"removed {name}")


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
