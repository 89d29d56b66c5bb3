// lang/diagnostic.hpp — diagnostics are values; rendering is separate (render.hpp).
#pragma once

#include "source.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

enum class Severity { error, warning };

/// One problem found in policy text, a case or a command line.
/// `code` is stable (catalogued in docs/diagnostics.md), e.g. "check.unknown_name".
struct Diagnostic {
    Severity severity = Severity::error;
    std::string code;
    std::optional<Span> span; // absent for problems with no source text (a missing file)
    std::string message;
    std::vector<std::string> notes;
    std::optional<std::string> help;
};

/// Collects diagnostics from every stage.
class Diagnostics {
public:
    Diagnostic& error(std::string code, std::optional<Span> span, std::string message);
    Diagnostic& warning(std::string code, std::optional<Span> span, std::string message);
    void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
    /// Takes back the diagnostics added since there were `count` (a trial that reports
    /// differently: the checker trying a definition's body with a call's argument types).
    std::vector<Diagnostic> take_since(std::size_t count) {
        std::vector<Diagnostic> out(std::make_move_iterator(items_.begin() + count),
                                    std::make_move_iterator(items_.end()));
        items_.resize(count);
        return out;
    }
    void append(const Diagnostics& other);

    bool has_errors() const;
    std::size_t error_count() const;
    bool empty() const { return items_.empty(); }
    const std::vector<Diagnostic>& items() const { return items_; }
    /// Diagnostic `i` of items(), to add a note to what a later stage learns.
    Diagnostic& at(std::size_t i) { return items_.at(i); }
    /// Sorted by file and position, so output is stable whatever order stages ran in.
    std::vector<Diagnostic> sorted() const;

private:
    std::vector<Diagnostic> items_;
};

/// A JSON library's message without the name of its exception (`[json.exception.parse_error.101]
/// parse error at line 1, column 2: …` → `parse error at line 1, column 2: …`): the message
/// names the place; the exception's name is of no use to the reader.
std::string without_exception_name(std::string_view what);

} // namespace cpl
