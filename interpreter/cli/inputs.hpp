// interpreter/cli/inputs.hpp — case inputs named on the command line: `.json` files (one
// case), `.jsonl` files and `-` (one case per line), directories (every case file below).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cpl::cli {

/// Called once per case document; `origin` names where it came from (`file.jsonl:12`).
using CaseSink = std::function<void(std::string_view json, const std::string& origin)>;

/// Streams every case of every input, in order. Inputs that cannot be read are reported
/// on stderr; returns false if there was any.
bool for_each_case(const std::vector<std::string>& inputs, const CaseSink& sink);

/// Every file below `dir` whose name ends in one of `suffixes`, sorted.
std::vector<std::string> files_below(const std::string& dir,
                                     const std::vector<std::string>& suffixes);

} // namespace cpl::cli
