// interpreter/lsp/names.hpp — what hover and completion say about the names a policy can
// use: its merged declarations by name, and the names every policy has (`case`, `claim`, …).
#pragma once

#include "interpreter/load/load.hpp"

#include <array>
#include <string>
#include <string_view>

namespace cpl::lsp {

/// A name an expression may use without declaring it (the checker's `name()`).
struct SpecialName {
    std::string_view name;
    std::string_view type;
    std::string_view doc;
    bool edits_only;
};

inline constexpr std::array<SpecialName, 5> special_names{{
    {"case", "case",
     "The case being coded: the study as read from its JSON (docs/language.md, "
     "\"The case\")",
     false},
    {"service_date", "string",
     "The case's date of service, `YYYY-MM-DD`; today's date when the "
     "case has none",
     false},
    {"claim", "[line]",
     "The claim the rules built, as the edits before this one left it: "
     "`{code, units, modifiers, rule, position}` per line",
     true},
    {"supported", "[line]",
     "The claim the study supports (the first pass's result); the same "
     "as `claim` unless `reviewing`",
     true},
    {"reviewing", "bool", "True while the edits review a submitted claim (the second pass)", true},
}};

inline const SpecialName* find_special(std::string_view name) {
    for (const auto& s : special_names)
        if (s.name == name) return &s;
    return nullptr;
}

const MergedSetting* find_setting(const MergedPolicy* policy, std::string_view name);
const MergedTable* find_table(const MergedPolicy* policy, std::string_view name);
const MergedDef* find_def(const MergedPolicy* policy, std::string_view name);
/// A rule (`edit` false) or edit by name.
const MergedRule* find_rule(const MergedPolicy* policy, std::string_view name, bool edit);

/// `def name(a, b: extremity)`, as declared.
std::string def_signature(const ast::Def& def);

/// The literal's type as authors name it: number, code, string, bool.
std::string_view literal_type(const ast::Expr& value);

} // namespace cpl::lsp
