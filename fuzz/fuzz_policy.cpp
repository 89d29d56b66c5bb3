// fuzz/fuzz_policy.cpp — the policy pipeline: text → parse → fmt, and text → load → check.
// Properties: nothing crashes, hangs or overflows; `cpl fmt` output parses, formatting it
// again changes nothing (idempotence), and it means the same (the AST dump, without spans and
// comments, is unchanged); diagnostics render; a checked program documents.
#include "fuzz_support.hpp"
#include "interpreter/tools/doc.hpp"
#include "lang/ast_dump.hpp"
#include "lang/format.hpp"
#include "lang/parse.hpp"
#include "lang/render.hpp"

#include <cstdint>

using namespace cpl;

namespace {

std::string dump_of(const std::string& text) {
    SourceMap sources;
    FileId id = sources.add("fuzz.cpl", text);
    Diagnostics diagnostics;
    return dump(parse(sources, id, diagnostics, has_policy_header(text)));
}

void format_round_trip(const std::string& text) {
    SourceMap sources;
    FileId id = sources.add("fuzz.cpl", text);
    Diagnostics diagnostics;
    auto formatted = format_source(sources, id, diagnostics);
    render_all(diagnostics, sources);
    if (!formatted) return;
    SourceMap again_sources;
    FileId again_id = again_sources.add("fuzz.cpl", *formatted);
    Diagnostics again_diagnostics;
    auto again = format_source(again_sources, again_id, again_diagnostics);
    if (!again) fuzz::finding("the output of fmt does not parse:\n" + *formatted);
    if (*again != *formatted)
        fuzz::finding("fmt is not idempotent:\n" + *formatted + "\n---\n" + *again);
    // The AST of the text as read (line ends made LF, no byte order mark) and of its format.
    if (dump_of(std::string(sources.get(id).text())) != dump_of(*formatted))
        fuzz::finding("fmt changed the meaning:\n" + *formatted);
}

void load_and_check(const std::string& text) {
    if (fuzz::extends_standard(text)) return;
    // One budget for every constant the checker folds, so a costly constant stays cheap here.
    Budget budget(fuzz::fuzz_steps, fuzz::fuzz_bytes);
    Loaded loaded = load_policy(fuzz::scratch_policy(text));
    render_all(loaded.diagnostics, *loaded.sources);
    if (!loaded.program) return;
    document(*loaded.program, DocFormat::markdown);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Large inputs add little the fuzzer cannot reach with small ones, and slow it down.
    if (size > 64 * 1024) return 0;
    std::string text(reinterpret_cast<const char*>(data), size);
    format_round_trip(text);
    load_and_check(text);
    return 0;
}
