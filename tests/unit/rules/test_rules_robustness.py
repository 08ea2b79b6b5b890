"""Whatever the input, the engine and the readers return findings; they never raise."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_helpers import good_tree

from generator.findings import Finding
from generator.rules import check_tree
from generator.rules.readers import read_zip_bytes
from generator.tree import PluginTree

FOLDERS = [
    "",
    "web_root/admin/",
    "WEB_ROOT/",
    "queries_root/",
    "permissions_root/",
    "MessageKeys/",
    "pagecataloging/",
    "user_schema_root/",
    "../",
    "a\\b/",
    "__MACOSX/",
]
SUFFIXES = [
    ".xml",
    ".named_queries.xml",
    ".permission_mappings.xml",
    ".content.footer.txt",
    ".US_en.properties",
    ".json",
    ".html",
    "",
]
XML_BITS = [
    "<",
    ">",
    "/",
    "=",
    '"',
    "'",
    "&",
    ";",
    "<!DOCTYPE x>",
    "<![CDATA[",
    "]]>",
    "~(",
    "<queries>",
    "<query name='a'>",
    "<columns>",
    "<column>a</column>",
    "<sql>",
    "select a from t",
    ":x",
    "<plugin xmlns='http://plugin.powerschool.pearson.com'>",
    "<permission_mappings>",
    "<permission name='/a'>",
    "<implies allow='get'>",
    "/ws/schema/query/a.b",
    "{",
    "}",
    "[",
    "]",
    '"pages"',
    "\\\n",
    "=",
    "\x00",
    "\xe9",
]

paths = st.builds(
    lambda folder, stem, suffix: folder + stem + suffix,
    st.sampled_from(FOLDERS),
    st.text("abc.", min_size=1, max_size=6),
    st.sampled_from(SUFFIXES),
)
contents = st.lists(st.sampled_from(XML_BITS), max_size=30).map(
    lambda bits: "".join(bits).encode("utf-8", "surrogatepass")
)


def assert_findings(findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.line >= 1 and finding.col >= 1
        assert finding.rule and finding.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(paths, contents, max_size=8))
def test_random_trees_give_findings_not_exceptions(files: dict[str, bytes]) -> None:
    assert_findings(check_tree(PluginTree(files)))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(good_tree().files)), contents)
def test_garbled_files_in_the_good_plugin_give_findings(path: str, content: bytes) -> None:
    files = dict(good_tree().files)
    files[path] = content
    assert_findings(check_tree(PluginTree(files)))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=300))
def test_damaged_zips_give_findings_not_exceptions(noise: bytes, at: int) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plugin.xml", good_tree().files["plugin.xml"])
    data = bytearray(buffer.getvalue())
    at = min(at, len(data))
    data[at : at + len(noise)] = noise
    result = read_zip_bytes(bytes(data), "damaged.zip")
    assert_findings(result.findings)
    if result.complete:
        assert_findings(check_tree(result.tree))
