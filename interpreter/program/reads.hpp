// interpreter/program/reads.hpp — what a checked program's declarations read, for the tools
// that describe them (`cpl doc`, `cpl diff`) and for explanations: the text a node was written
// as, and the settings a rule or edit reads, directly or through its definitions.
#pragma once

#include "interpreter/program/program.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

/// The source text of `span`, trailing blanks trimmed ("" when the span is not in the map).
std::string written_text(const Program& program, const Span& span);

/// Text as written, on one line: an expression broken over lines (`otherwise`, a long `if`,
/// a quantifier) reads as one, without the comments written between its lines. String
/// literals cannot hold a line break, so only layout folds.
std::string one_line(std::string_view text);

/// The settings (indices into `program.settings`) that `rule` reads, in the order first met:
/// in its clauses (its narrowings' among them), its exceptions' clauses and every definition they
/// use, transitively, and in the rows of every table they name. An undated setting the checker
/// folded into a constant is found through Program::folded_settings.
std::vector<std::uint32_t> settings_read(const Program& program, const RuleCode& rule);

/// The version of `setting` in force on `date` (the last declared that holds it), or null.
const SettingVersionCode* version_on(const SettingCode& setting, std::string_view date);

/// Whether `version` was written by a layer other than the one that declared the setting:
/// a payer's restatement.
inline bool restated(const SettingCode& setting, const SettingVersionCode& version) {
    return version.layer != setting.declared_by;
}

} // namespace cpl
