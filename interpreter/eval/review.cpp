// interpreter/eval/review.cpp — reviewing a submitted claim (contract, section 3): the
// claim the study supports is what the rules built; the edits then run over the submitted
// claim, with `supported` naming the former and `reviewing` true, and every change is a
// verdict on a submitted line.
#include "interpreter/case/case_schema.hpp"
#include "interpreter/eval/case_state.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace cpl {

namespace {

// The lines of the claim the policy would produce from the study: its edits run over what the
// rules built, as outside review, and nothing of that run is kept (no edit, documentation,
// explanation or coverage; the lines are put back). A line the study supports that a payer's
// edit denies (a per-day limit, a service not covered) is then not advised as unbilled.
std::vector<Line> produced_lines(CaseState& s, std::size_t first_index) {
    std::vector<LineState> built = s.lines;
    std::size_t edits = s.edits.size(), documentation = s.documentation.size();
    bool explain = s.explain, expressions = s.expressions;
    Coverage* coverage = s.coverage;
    RuleProfile* profile = s.profile;
    auto* rows_seen = s.context.rows_seen;
    s.explain = s.expressions = false;
    s.coverage = nullptr;
    s.profile = nullptr;
    s.context.rows_seen = nullptr;
    s.claim_dirty = true;
    run_edits(s, first_index);
    std::vector<Line> produced;
    for (auto& state : s.lines)
        produced.push_back(std::move(state.line));
    s.lines = std::move(built);
    s.produced_denials.clear();
    if (!s.why_not_codes.empty())
        for (std::size_t i = edits; i < s.edits.size(); ++i)
            if (s.edits[i].severity == "deny") s.produced_denials.push_back(s.edits[i]);
    s.edits.resize(edits);
    s.documentation.resize(documentation);
    s.explain = explain;
    s.expressions = expressions;
    s.coverage = coverage;
    s.profile = profile;
    s.context.rows_seen = rows_seen;
    s.claim_dirty = true;
    return produced;
}

// A code's lines: their units summed, whether one carries modifier 50 (both sides on one
// line), and the lines as a coder writes them ("95866-50 x1 and 95866 x1").
struct CodeLines {
    std::int64_t units = 0;
    std::int64_t sides = 0; // a unit with 50 counts as two
    bool fifty = false;
    std::string written;
};

template <typename Lines, typename LineOf>
CodeLines code_lines(const Lines& lines, std::string_view code, LineOf line_of) {
    CodeLines out;
    for (const auto& element : lines) {
        const Line& l = line_of(element);
        if (l.code != code) continue;
        bool fifty = std::find(l.modifiers.begin(), l.modifiers.end(), "50") != l.modifiers.end();
        out.units += l.units;
        out.sides += fifty ? 2 * l.units : l.units;
        out.fifty = out.fifty || fifty;
        if (!out.written.empty()) out.written += " and ";
        out.written += billed_text(l.code, l.modifiers, l.units);
    }
    return out;
}

// What a payable line's reasons say first when its code's payable lines bill other sides than
// the study's lines of the code (a unit with modifier 50 is two), so that the rule's reasons,
// about the study, are not read as about the line: by modifier 50, else by units. Nothing when
// they bill the same sides: lines split by side (RT, LT), a modifier the edits add (26, XS), or
// one line with 50 for two units (95886-50 x1 for 95886 x2).
std::string differs_from_study(std::string_view code, const CodeLines& payable,
                               const CodeLines& study) {
    if (payable.sides == study.sides) return {};
    if (payable.fifty != study.fifty)
        return fmt::format("{} payable; the study supports {} (its reasons follow)",
                           payable.written, study.written);
    if (payable.units != study.units)
        return fmt::format("{} {} of {} payable; the study supports {} (its reasons follow)",
                           payable.units, payable.units == 1 ? "unit" : "units", code, study.units);
    return {};
}

} // namespace

void review(CaseState& s, Result& result, Value submitted, std::size_t first_index) {
    std::vector<Line> produced = produced_lines(s, first_index);
    // What the policy would bill is advised as unbilled: a line no claim carries is refused
    // here as it is outside review.
    for (const Line& line : produced)
        refuse_more_than_a_line(line);
    std::vector<Line> supported_lines;
    for (auto& state : s.lines)
        supported_lines.push_back(std::move(state.line));
    s.context.supported = claim_value_of(s, supported_lines);
    s.context.reviewing = true;
    // The edits so far are the rules' own (a study's warnings: a level no code takes, a name
    // not known; the date assumed): they concern the study, submitted claim or not, and stay.
    s.lines.clear();
    for (std::uint32_t i = 0; i < submitted.size; ++i) {
        const Value* fields = submitted.items[i].items;
        LineState state;
        state.line.code = fields[claim_line_field::code].str();
        state.line.units = fields[claim_line_field::units].number;
        for (const auto& m : fields[claim_line_field::modifiers].list())
            state.line.modifiers.push_back(m.str());
        state.line.rule = "submitted";
        state.submitted = static_cast<int>(i);
        ReviewLine verdict;
        verdict.code = state.line.code;
        verdict.units = state.line.units;
        verdict.modifiers = state.line.modifiers;
        result.review.push_back(std::move(verdict));
        s.lines.push_back(std::move(state));
    }
    s.verdicts = &result.review;
    s.claim_dirty = true;
    run_edits(s, first_index);
    for (auto& verdict : result.review)
        verdict.status = verdict.status.empty() ? "accepted" : verdict.status;
    for (const auto& state : s.lines) {
        ReviewLine& verdict = result.review[static_cast<std::size_t>(state.submitted)];
        verdict.units_allowed = state.line.units;
        if (verdict.status == "accepted" &&
            (state.line.units != verdict.units || state.line.modifiers != verdict.modifiers))
            verdict.status = "adjusted";
    }
    // A payable line is explained by the rule that supports its code; one the study does not
    // support (a code the policy does not govern) by the edit that let it pass, with its
    // source, or else as paid as submitted.
    for (auto& state : s.lines) {
        auto supported =
            std::find_if(supported_lines.begin(), supported_lines.end(),
                         [&](const Line& line) { return line.code == state.line.code; });
        if (supported != supported_lines.end()) {
            state.line.rule = supported->rule;
            state.line.cite = supported->cite;
            state.line.sources = supported->sources;
            state.line.cited_by = supported->cited_by;
            state.line.layer = supported->layer;
            if (s.explain) {
                state.line.because = supported->because;
                // Its reasons are the study's, for what the rules billed of the code: a note
                // first when the code's payable lines bill something else.
                std::string note = differs_from_study(
                    state.line.code,
                    code_lines(s.lines, state.line.code,
                               [](const LineState& l) -> const Line& { return l.line; }),
                    code_lines(supported_lines, state.line.code,
                               [](const Line& l) -> const Line& { return l; }));
                if (!note.empty()) state.line.because.insert(state.line.because.begin(), note);
            }
            continue;
        }
        auto passed = std::find_if(s.edits.begin(), s.edits.end(), [&](const Edit& e) {
            return e.code == state.line.code && e.severity != "deny";
        });
        if (passed != s.edits.end()) {
            state.line.rule = passed->rule;
            state.line.cite = passed->cite;
            state.line.sources = passed->sources;
            state.line.cited_by = passed->cited_by;
            state.line.layer = passed->layer;
            if (s.explain) {
                state.line.because = passed->because;
                state.line.because.insert(state.line.because.begin(), std::string(passed->message));
            }
        } else if (s.explain) {
            state.line.because = {fmt::format("paid as submitted: no rule bills {} from the study, "
                                              "and no edit denied it",
                                              state.line.code)};
        }
    }
    // Unbilled: a supported code on no submitted line, as the rules billed it, with the units
    // the policy's edits leave it; none when they deny it.
    for (const auto& line : supported_lines) {
        bool billed =
            std::any_of(s.lines.begin(), s.lines.end(),
                        [&](const LineState& state) { return state.line.code == line.code; }) ||
            std::any_of(result.review.begin(), result.review.end(),
                        [&](const ReviewLine& r) { return r.code == line.code; });
        if (billed) continue;
        std::int64_t payable = 0;
        for (const Line& p : produced)
            if (p.code == line.code) payable += p.units;
        if (payable == 0) continue;
        result.unbilled.push_back(line);
        result.unbilled.back().units = std::min(line.units, payable);
    }
    result.reviewed = true;
}

// Records a verdict reason against the submitted line `line` stands for.
void note_reason(CaseState& s, int line, std::string_view status, const Edit& edit) {
    if (!s.verdicts || line < 0) return;
    int submitted = s.lines[static_cast<std::size_t>(line)].submitted;
    if (submitted < 0) return;
    ReviewLine& verdict = (*s.verdicts)[static_cast<std::size_t>(submitted)];
    verdict.reasons.push_back({edit.rule, edit.message, edit.cite, edit.sources, edit.cited_by});
    if (status == "denied") verdict.status = "denied";
}

namespace {

// Why a modifier changed on a submitted line, in the edit's own words: its `because` before
// the change, else its description.
std::string modifier_change(std::string_view what, std::string_view modifier, const RuleCode& rule,
                            std::optional<std::string> because) {
    if (because) return fmt::format("modifier {} {}: {}", modifier, what, *because);
    if (rule.doc.empty()) return fmt::format("modifier {} {}", modifier, what);
    std::string reason = rule.doc;
    // "The code is …" reads as a clause after the colon; an acronym ("NCCI …") stays as written.
    if (reason.size() > 1 && std::isupper(static_cast<unsigned char>(reason[0])) &&
        std::islower(static_cast<unsigned char>(reason[1])))
        reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    return fmt::format("modifier {} {}: {}", modifier, what, reason);
}

} // namespace

// On review a changed modifier adjusts the submitted line: say so on the line and in edits,
// in the edit's own words. (Outside review nothing is said, so nothing is written.)
void note_modifier_change(CaseState& s, int line, std::string_view what, std::string_view modifier,
                          std::optional<std::string> because) {
    Edit e = make_edit(s, "info", s.lines[static_cast<std::size_t>(line)].line.code);
    e.message = s.context.arena.copy(modifier_change(what, modifier, *s.rule, std::move(because)));
    note_reason(s, line, "adjusted", e);
    s.edits.push_back(std::move(e));
}

} // namespace cpl
