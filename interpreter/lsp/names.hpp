// interpreter/lsp/names.hpp — what hover and completion say about the names a policy can
// use: its merged declarations by name, and the names every policy has (`case`, `claim`, …).
#pragma once

#include "interpreter/load/load.hpp"
#include "lang/vocabulary.hpp"

#include <array>
#include <string>
#include <string_view>

namespace cpl::lsp {

// The names every policy has are the vocabulary's (lang/vocabulary.hpp).
using vocabulary::find_special;
using vocabulary::special_names;
using vocabulary::SpecialName;

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
