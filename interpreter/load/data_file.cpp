// interpreter/load/data_file.cpp — data file → table rows (see data_file.hpp). CSV as RFC 4180
// writes it: fields split by commas (tabs for .tsv), double quotes around a field that holds
// the separator, a quote or a line break, "" for a quote inside one; CRLF, LF or CR ends a
// record; a UTF-8 byte order mark is skipped.
#include "interpreter/load/data_file.hpp"

#include "lang/codes.hpp"
#include "lang/dates.hpp"
#include "lang/suggest.hpp"
#include "lang/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

namespace cpl {

namespace {

struct Cell {
    std::string text;
    std::uint32_t begin = 0; // byte offsets in the file, for spans
    std::uint32_t end = 0;
};

struct Record {
    std::vector<Cell> cells;
    std::uint32_t begin = 0;
    std::uint32_t end = 0; // before the line break
};

class CsvReader {
public:
    CsvReader(std::string_view text, char separator) : text_(text), separator_(separator) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    }

    bool done() const { return pos_ >= text_.size(); }

    // One record; `error` is set (with its offset) when a quoted field is not closed.
    Record next(std::string& error, std::uint32_t& error_at) {
        Record record;
        record.begin = offset();
        while (true) {
            Cell cell = field(error, error_at);
            record.cells.push_back(std::move(cell));
            if (!error.empty()) return record;
            if (pos_ < text_.size() && text_[pos_] == separator_) {
                ++pos_;
                continue;
            }
            record.end = offset();
            end_of_line();
            return record;
        }
    }

private:
    std::uint32_t offset() const { return static_cast<std::uint32_t>(pos_); }

    bool at_line_end() const {
        return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r';
    }

    void end_of_line() {
        if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    }

    Cell field(std::string& error, std::uint32_t& error_at) {
        Cell cell;
        cell.begin = offset();
        if (pos_ < text_.size() && text_[pos_] == '"') {
            ++pos_;
            while (true) {
                if (pos_ >= text_.size()) {
                    error =
                        "a quoted field is not closed: expected `\"` before the end of the file";
                    error_at = cell.begin;
                    return cell;
                }
                char c = text_[pos_++];
                if (c != '"') {
                    cell.text += c;
                } else if (pos_ < text_.size() && text_[pos_] == '"') {
                    cell.text += '"';
                    ++pos_;
                } else {
                    break;
                }
            }
            if (!at_line_end() && text_[pos_] != separator_) {
                error = "text after a quoted field: a field that holds quotes must be quoted whole";
                error_at = offset();
            }
        } else {
            std::size_t end = pos_;
            while (end < text_.size() && text_[end] != '\n' && text_[end] != '\r' &&
                   text_[end] != separator_)
                ++end;
            cell.text.assign(text_.substr(pos_, end - pos_));
            pos_ = end;
        }
        cell.end = offset();
        return cell;
    }

    std::string_view text_;
    char separator_;
    std::size_t pos_ = 0;
};

// As in a policy's text, a number is a whole number from 0 written without a sign: a negative
// MUE passed and denied every unit billed.
bool is_whole_number(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class RowBuilder {
public:
    RowBuilder(const ast::RowsFrom& spec, const SourceFile& file, FileId id,
               Diagnostics& diagnostics)
        : spec_(spec), file_(file), id_(id), diagnostics_(diagnostics) {}

    std::optional<std::vector<ast::TableRow>> run() {
        bool tsv =
            file_.path().size() >= 4 && file_.path().substr(file_.path().size() - 4) == ".tsv";
        CsvReader reader(file_.text(), tsv ? '\t' : ',');
        std::string error;
        std::uint32_t error_at = 0;
        if (reader.done()) {
            diagnostics_.error("data.empty", spec_.path.span,
                               fmt::format("the data file `{}` is empty: it needs a header row "
                                           "naming its columns",
                                           file_.path()));
            return std::nullopt;
        }
        Record header = reader.next(error, error_at);
        if (!error.empty()) return fail_at(error_at, error);
        for (const auto& cell : header.cells)
            header_.push_back(cell.text);
        header_cells_ = std::move(header.cells);
        if (!find_columns()) return std::nullopt;
        while (!reader.done()) {
            Record record = reader.next(error, error_at);
            if (!error.empty()) return fail_at(error_at, error);
            if (record.cells.size() == 1 && record.cells[0].text.empty()) continue; // blank line
            add(record);
        }
        if (failed_) return std::nullopt;
        return std::move(rows_);
    }

private:
    Span at(std::uint32_t begin, std::uint32_t end) const { return {id_, begin, end}; }

    std::nullopt_t fail_at(std::uint32_t offset, const std::string& message) {
        diagnostics_.error("data.malformed", at(offset, offset + 1), message);
        return std::nullopt;
    }

    // Every column the spec names must be in the header, with a known type.
    bool find_columns() {
        bool ok = true;
        auto find = [&](const ast::Column& column) -> std::size_t {
            if (std::find(std::begin(data_column_types), std::end(data_column_types),
                          column.type.text) == std::end(data_column_types)) {
                auto& d =
                    diagnostics_.error("data.column_type", column.type.span,
                                       fmt::format("unknown column type `{}`", column.type.text));
                std::vector<std::string_view> types(std::begin(data_column_types),
                                                    std::end(data_column_types));
                if (auto guess = closest(column.type.text, types))
                    d.help = fmt::format("did you mean `{}`?", *guess);
                else
                    d.help = "a column is a code, number, string or date";
                ok = false;
            }
            auto it = std::find(header_.begin(), header_.end(), column.name.text);
            if (it != header_.end()) {
                auto index = static_cast<std::size_t>(it - header_.begin());
                // The first of two columns of one name was read, and the second never looked
                // at: which one the file's author meant is not guessed.
                auto again = std::find(it + 1, header_.end(), column.name.text);
                if (again != header_.end() && repeated_.insert(column.name.text).second) {
                    auto second = static_cast<std::size_t>(again - header_.begin());
                    const Cell& cell = header_cells_[second];
                    auto& d = diagnostics_.error(
                        "data.duplicate_column", at(cell.begin, cell.end),
                        fmt::format("the header names column `{}` twice (columns {} and {}): "
                                    "which one the policy reads is not guessed",
                                    column.name.text, index + 1, second + 1));
                    d.help = "rename or remove one of them";
                    ok = false;
                }
                return index;
            }
            auto& d = diagnostics_.error("data.unknown_column", column.name.span,
                                         fmt::format("the data file `{}` has no column `{}`",
                                                     file_.path(), column.name.text));
            std::vector<std::string_view> names(header_.begin(), header_.end());
            if (auto guess = closest(column.name.text, names))
                d.help = fmt::format("did you mean `{}`?", *guess);
            d.notes.push_back(fmt::format("its columns: {}", fmt::join(header_, ", ")));
            ok = false;
            return 0;
        };
        key_index_ = find(spec_.key);
        for (const auto& column : spec_.value)
            value_index_.push_back(find(column));
        return ok;
    }

    // A cell as a literal of its column's type, or an error located at the cell.
    std::optional<ast::Expr> literal(const Cell& cell, const ast::Column& column) {
        const std::string& type = column.type.text;
        const std::string& text = cell.text;
        Span span = at(cell.begin, cell.end);
        auto bad = [&](std::string what) {
            diagnostics_
                .error("data.bad_value", span,
                       text.empty() ? fmt::format("column `{}` is empty: it needs {}",
                                                  column.name.text, what)
                                    : fmt::format("`{}` in column `{}` is not {}", text,
                                                  column.name.text, what))
                .notes.push_back(
                    fmt::format("the policy reads column `{}` as a {}", column.name.text, type));
            failed_ = true;
            return std::nullopt;
        };
        // As in a policy's text: what a result prints must be UTF-8, and a control character
        // would reach the terminal and `cpl doc`'s pages.
        auto refused = [&](std::string what) {
            diagnostics_
                .error("data.bad_value", span,
                       fmt::format("column `{}` holds {}", column.name.text, what))
                .help = "save the file as UTF-8 text, without control characters";
            failed_ = true;
            return std::nullopt;
        };
        if (std::size_t bad_byte = utf8_error_at(text); bad_byte != std::string_view::npos)
            return refused(fmt::format("a byte that is not UTF-8 text (0x{:02X})",
                                       static_cast<unsigned char>(text[bad_byte])));
        if (std::size_t control = control_character_at(text); control != std::string_view::npos)
            return refused(fmt::format("a control character (U+{:04X})",
                                       static_cast<unsigned char>(text[control]) ==
                                               0xC2 // U+0080–U+009F: two bytes
                                           ? static_cast<unsigned char>(text[control + 1])
                                           : static_cast<unsigned char>(text[control])));
        ast::Expr e;
        e.span = span;
        if (type == "number") {
            if (!is_whole_number(text))
                return bad(text.starts_with('-') || text.starts_with('+')
                               ? "a whole number from 0, written without a sign"
                               : "a whole number");
            std::int64_t number = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (error != std::errc{} || end != text.data() + text.size())
                return bad("a number cpl can hold: it is above 9223372036854775807");
            e.kind = ast::NumberLit{number};
        } else if (type == "code") {
            if (!is_procedure_code(text))
                return bad("a procedure code (five digits, four digits and F/T/U/M/A, or a letter "
                           "and four digits: 95860, 0766T, G0453)");
            e.kind = ast::CodeLit{text};
        } else if (type == "date") {
            if (!text.empty() && !parse_date(text)) return bad("a date as YYYY-MM-DD (or empty)");
            ast::StringLit s;
            s.parts.emplace_back(text);
            e.kind = std::move(s);
        } else {
            ast::StringLit s;
            s.parts.emplace_back(text);
            e.kind = std::move(s);
        }
        return e;
    }

    void add(const Record& record) {
        if (record.cells.size() != header_.size()) {
            bool short_line = record.cells.size() < header_.size();
            std::string message =
                short_line ? fmt::format("this line has {} cell{} but the header names {} columns: "
                                         "column `{}` is missing (a truncated line?)",
                                         record.cells.size(), record.cells.size() == 1 ? "" : "s",
                                         header_.size(), header_[record.cells.size()])
                           : fmt::format("this line has {} cells but the header names {} columns",
                                         record.cells.size(), header_.size());
            diagnostics_.error("data.cell_count", at(record.begin, record.end), message);
            failed_ = true;
            return;
        }
        bool failed_before = failed_;
        failed_ = false;
        auto key = literal(record.cells[key_index_], spec_.key);
        ast::Expr value;
        value.span = at(record.begin, record.end);
        ast::RecordExpr fields;
        std::optional<ast::Expr> single;
        for (std::size_t i = 0; i < spec_.value.size(); ++i) {
            auto cell = literal(record.cells[value_index_[i]], spec_.value[i]);
            if (!cell) continue;
            if (spec_.record)
                fields.fields.push_back(
                    {ast::Ident{spec_.value[i].name.text, cell->span}, std::move(*cell)});
            else
                single = std::move(cell);
        }
        bool record_failed = !key || failed_;
        failed_ = failed_before || record_failed;
        if (record_failed) return;
        if (spec_.record)
            value.kind = std::move(fields);
        else
            value = std::move(*single);
        const std::string& key_text = record.cells[key_index_].text;
        auto [seen, added] =
            first_line_.emplace(spec_.grouped ? whole_row(record) : key_text, record.begin);
        if (!added) {
            auto& d = diagnostics_.error(
                "data.duplicate_key", at(record.begin, record.end),
                spec_.grouped
                    ? fmt::format("this line repeats line {} exactly",
                                  file_.locate(seen->second).line)
                    : fmt::format("key `{}` (column `{}`) is already in line {}", key_text,
                                  spec_.key.name.text, file_.locate(seen->second).line));
            d.notes.push_back(spec_.grouped
                                  ? "each row of the file may appear once"
                                  : "each key may appear once; to collect the rows of a key in a "
                                    "list, write the value in `[…]`");
            failed_ = true;
            return;
        }
        auto group = groups_.find(key_text);
        if (spec_.grouped && group != groups_.end()) {
            std::get<ast::ListExpr>(rows_[group->second].value->kind)
                .items.push_back(std::move(value));
            return;
        }
        ast::TableRow row;
        row.span = at(record.begin, record.end);
        ast::TableKey table_key;
        table_key.span = key->span;
        table_key.literal = std::move(*key);
        row.keys.push_back(std::move(table_key));
        if (spec_.grouped) {
            ast::Expr list;
            list.span = row.span;
            ast::ListExpr items;
            items.items.push_back(std::move(value));
            list.kind = std::move(items);
            row.value = std::move(list);
            groups_.emplace(key_text, rows_.size());
        } else {
            row.value = std::move(value);
        }
        rows_.push_back(std::move(row));
    }

    // The cells of a line joined by a separator no cell holds, to find a repeated line.
    static std::string whole_row(const Record& record) {
        std::string out;
        for (const auto& cell : record.cells) {
            if (&cell != &record.cells.front()) out += '\x1f';
            out += cell.text;
        }
        return out;
    }

    const ast::RowsFrom& spec_;
    const SourceFile& file_;
    FileId id_;
    Diagnostics& diagnostics_;
    std::vector<std::string> header_;
    std::vector<Cell> header_cells_;           // where each column is named, for spans
    std::unordered_set<std::string> repeated_; // column names reported as named twice
    std::size_t key_index_ = 0;
    std::vector<std::size_t> value_index_;
    std::vector<ast::TableRow> rows_;
    std::unordered_map<std::string, std::uint32_t> first_line_; // key (or whole row) → offset
    std::unordered_map<std::string, std::size_t> groups_;       // key → index in rows_
    bool failed_ = false;
};

} // namespace

std::optional<std::vector<ast::TableRow>> read_data_rows(const ast::RowsFrom& spec,
                                                         const SourceFile& file, FileId id,
                                                         Diagnostics& diagnostics) {
    return RowBuilder(spec, file, id, diagnostics).run();
}

} // namespace cpl
