// fuzz/fuzz_evaluate.cpp — end to end: a case (JSON) evaluated against the standard set, or,
// when the input holds a NUL byte, a policy (before it) and a case (after it). Properties:
// no crash, hang or exhaustion (each case runs under a budget); the JSON output is one line of
// valid UTF-8; the text output holds no control character but its line ends.
#include "fuzz_support.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <cstdint>

using namespace cpl;

namespace {

void check_output(const CaseOutcome& outcome) {
    std::string json = outcome.result ? to_json(*outcome.result, true)
                                      : error_json(outcome.case_id, outcome.error);
    if (json.find('\n') != std::string::npos) fuzz::finding("JSON output spans lines:\n" + json);
    if (utf8_error_at(json) != std::string::npos) fuzz::finding("JSON output is not UTF-8");
    if (!outcome.result) return;
    std::string text = to_text(*outcome.result, true);
    if (std::any_of(text.begin(), text.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return (u < 0x20 && c != '\n') || u == 0x7F;
        }))
        fuzz::finding("text output holds a control character:\n" + text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos) {
        static Session session(*fuzz::standard().program);
        check_output(session.run(input, fuzz::fuzz_options()));
        return 0;
    }
    if (fuzz::extends_standard(input.substr(0, nul))) return 0;
    Loaded loaded;
    {
        Budget budget(fuzz::fuzz_steps, fuzz::fuzz_bytes); // for constant folding
        loaded = load_policy(fuzz::scratch_policy(input.substr(0, nul)));
    }
    if (!loaded.program) return 0;
    Session session(*loaded.program);
    EvaluateOptions options = fuzz::fuzz_options();
    options.why_not = {"95860", "95886"};
    check_output(session.run(input.substr(nul + 1), options));
    return 0;
}
