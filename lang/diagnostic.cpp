// lang/diagnostic.cpp — the diagnostic collector.
#include "diagnostic.hpp"

#include <algorithm>

namespace cpl {

std::string without_exception_name(std::string_view what) {
    if (std::size_t close = what.find("] ");
        what.starts_with("[json.exception.") && close != std::string_view::npos)
        what.remove_prefix(close + 2);
    return std::string(what);
}

Diagnostic& Diagnostics::error(std::string code, std::optional<Span> span, std::string message) {
    items_.push_back({Severity::error, std::move(code), span, std::move(message), {}, {}});
    return items_.back();
}

Diagnostic& Diagnostics::warning(std::string code, std::optional<Span> span, std::string message) {
    items_.push_back({Severity::warning, std::move(code), span, std::move(message), {}, {}});
    return items_.back();
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const {
    return error_count() > 0;
}

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(
        items_.begin(), items_.end(), [](const auto& d) { return d.severity == Severity::error; }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    std::vector<Diagnostic> out = items_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.span.has_value() != b.span.has_value()) return !a.span.has_value();
        if (!a.span) return false;
        if (a.span->file != b.span->file) return a.span->file < b.span->file;
        return a.span->begin < b.span->begin;
    });
    return out;
}

} // namespace cpl
