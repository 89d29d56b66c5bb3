// interpreter/load/rows.cpp — merging table rows key by key (see rows.hpp).
#include "interpreter/load/rows.hpp"

#include "interpreter/case/case_tables.hpp"
#include "runtime/ascii.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <unordered_map>

namespace cpl {

namespace {

using Range = ast::TableKey::Range;

// A key as the merge compares it: by its text ("$95907" for a code or a string: a code equals
// the string of its characters; "#3"; "?true"), or as an interval of numbers or of strings.
struct Extent {
    enum Kind { text, numbers, strings } kind = text;
    std::string id;                  // text: the key with its kind mark
    std::string low_text, high_text; // a string key's text; a range of strings' bounds
    std::int64_t low = 0, high = 0;  // a range of numbers; a number key's value
    bool number = false;             // a text key that is a number
    bool string = false;             // a text key that is a code or a string
};

Extent literal_extent(const ast::Expr& e) {
    Extent out;
    std::visit(
        [&](const auto& lit) {
            using T = std::decay_t<decltype(lit)>;
            if constexpr (std::is_same_v<T, ast::NumberLit>) {
                out.id = "#" + std::to_string(lit.value);
                out.number = true;
                out.low = out.high = lit.value;
            } else if constexpr (std::is_same_v<T, ast::CodeLit>) {
                out.low_text = lit.code;
                out.string = true;
            } else if constexpr (std::is_same_v<T, ast::BoolLit>) {
                out.id = lit.value ? "?true" : "?false";
            } else if constexpr (std::is_same_v<T, ast::StringLit>) {
                for (const auto& part : lit.parts)
                    if (auto* t = std::get_if<std::string>(&part)) out.low_text += *t;
                out.string = true;
            } else {
                out.id = "!";
            }
        },
        e.kind);
    if (out.string) out.id = "$" + out.low_text;
    return out;
}

Extent extent(const MergedKey& k) {
    const ast::TableKey& key = *k.key;
    Extent out;
    if (!k.code.empty()) {
        out.low_text = k.code;
        out.id = "$" + k.code;
        out.string = true;
        return out;
    }
    switch (key.range) {
    case Range::numbers:
        out.kind = Extent::numbers;
        out.low = key.low;
        out.high = key.high.value_or(std::numeric_limits<std::int64_t>::max());
        return out;
    case Range::strings:
        out.kind = Extent::strings;
        out.low_text = key.low_text;
        out.high_text = key.high_text;
        return out;
    default:
        return key.literal ? literal_extent(*key.literal) : out;
    }
}

bool holds(const Extent& range, const Extent& key) {
    if (range.kind == Extent::numbers)
        return key.number && key.low >= range.low && key.low <= range.high;
    if (range.kind == Extent::strings)
        return key.string && key.low_text >= range.low_text && key.low_text <= range.high_text;
    return false;
}

bool overlap(const Extent& a, const Extent& b) {
    if (a.kind == Extent::text && b.kind == Extent::text) return a.id == b.id;
    if (a.kind == Extent::text) return holds(b, a);
    if (b.kind == Extent::text) return holds(a, b);
    if (a.kind != b.kind) return false;
    if (a.kind == Extent::numbers) return a.low <= b.high && b.low <= a.high;
    return a.low_text <= b.high_text && b.low_text <= a.high_text;
}

// Whether every key `b` stands for is one of `a`'s.
bool covers(const Extent& a, const Extent& b) {
    if (b.kind == Extent::text) return a.kind == Extent::text ? a.id == b.id : holds(a, b);
    if (a.kind != b.kind) return false;
    if (a.kind == Extent::numbers) return a.low <= b.low && b.high <= a.high;
    return a.low_text <= b.low_text && b.high_text <= a.high_text;
}

// A range key as written: `1..4`, `13..`, `95907..95913`, `"G56.00".."G56.03"`.
std::string range_written(const ast::TableKey& key) {
    switch (key.range) {
    case Range::codes:
        return key.low_text + ".." + key.high_text;
    case Range::strings:
        return fmt::format("\"{}\"..\"{}\"", key.low_text, key.high_text);
    default:
        return fmt::format("{}..{}", key.low, key.high ? std::to_string(*key.high) : "");
    }
}

// A key as the author wrote it, for messages.
std::string shown(const MergedKey& k, const Extent& e) {
    if (e.kind != Extent::text) return range_written(*k.key);
    if (e.number) return std::to_string(e.low);
    if (!k.code.empty() ||
        (k.key->literal && std::holds_alternative<ast::CodeLit>(k.key->literal->kind)))
        return e.low_text;
    if (e.string) return fmt::format("\"{}\"", e.low_text);
    return e.id.substr(1);
}

// Where two keys meet, for messages: the key itself, or the part two ranges share.
std::string meeting(const MergedKey& a, const Extent& ea, const MergedKey& b, const Extent& eb) {
    if (ea.kind == Extent::text) return shown(a, ea);
    if (eb.kind == Extent::text) return shown(b, eb);
    if (ea.kind == Extent::numbers) {
        std::int64_t low = std::max(ea.low, eb.low), high = std::min(ea.high, eb.high);
        return low == high ? std::to_string(low) : fmt::format("{}..{}", low, high);
    }
    std::string low = std::max(ea.low_text, eb.low_text),
                high = std::min(ea.high_text, eb.high_text);
    return low == high ? fmt::format("\"{}\"", low) : fmt::format("\"{}\"..\"{}\"", low, high);
}

// The range a key belongs to, when it is one or comes from one.
std::optional<std::string> range_of(const MergedKey& k) {
    if (k.key->range == Range::none) return std::nullopt;
    return range_written(*k.key);
}

std::string dates(const ast::Effective& e) {
    return (e.from ? e.from->text : "") + ".." + (e.until ? e.until->text : "");
}

// A row's keys, each code of a range of codes a key of its own (an open range of codes runs
// to the largest code of its width).
std::vector<MergedKey> keys_of(const ast::TableRow& row) {
    std::vector<MergedKey> out;
    for (const auto& key : row.keys) {
        if (key.range != Range::codes) {
            out.push_back({&key});
            continue;
        }
        std::size_t width = key.low_text.size();
        std::int64_t top = 1;
        for (std::size_t i = 0; i < width; ++i)
            top *= 10;
        std::int64_t high = key.high.value_or(top - 1);
        for (std::int64_t c = key.low; c <= high; ++c)
            out.push_back({&key, fmt::format("{:0{}}", c, width)});
    }
    return out;
}

class RowMerger {
public:
    RowMerger(MergedTable& table, const ast::TableRow& row, const std::string& layer,
              Diagnostics& diagnostics)
        : table_(table), row_(row), layer_(layer), diagnostics_(diagnostics) {
        for (MergedKey& key : keys_of(row)) {
            Extent e = extent(key);
            std::size_t i = keys_.size();
            if (e.kind == Extent::text) {
                // A key given twice in one row is said once and kept once (it was kept once,
                // and the row then said to be overridden by itself).
                if (auto [first, added] = by_id_.emplace(e.id, i); !added) {
                    repeated(keys_[first->second], key, e);
                    continue;
                }
            } else {
                ranges_.push_back(i);
            }
            keys_.push_back(std::move(key));
            extents_.push_back(std::move(e));
        }
    }

    void remove() {
        const ast::TableKey* last_unmatched = nullptr;
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            bool range = extents_[k].kind != Extent::text;
            if (range ? take_range(k) : take_first(k) || take_from_range(extents_[k])) {
                table_.removals.push_back({keys_[k].key, layer_});
                continue;
            }
            if (keys_[k].key != last_unmatched)
                table_.unmatched_removes.push_back({keys_[k].key, &row_, layer_});
            last_unmatched = keys_[k].key;
        }
    }

    void add() {
        if (same_muscle_in_other_case()) return;
        std::optional<std::size_t> place;
        auto& rows = table_.rows;
        for (std::size_t i : candidates()) {
            MergedRow& other = rows[i];
            // Gone already, or another version of the row (the same key with other dates).
            if (!other.row || dates(row_.effective) != dates(other.row->effective)) continue;
            std::vector<MergedKey> kept;
            for (const auto& theirs : other.keys) {
                Extent e = extent(theirs);
                std::optional<std::size_t> mine = meets(e);
                if (!mine) {
                    kept.push_back(theirs);
                    continue;
                }
                if (other.layer == layer_) return duplicate(theirs, e, *mine);
                if (covers(extents_[*mine], e)) continue; // restated: the key is this row's now
                // An exact key wins over a range that covers it, so it needs no taking.
                if (e.kind != Extent::text && extents_[*mine].kind == Extent::text) {
                    kept.push_back(theirs);
                    continue;
                }
                return partial(other, theirs, *mine);
            }
            if (!kept.empty() && kept.size() < other.keys.size()) split_muscle(other, kept);
            other.keys = std::move(kept);
            if (other.keys.empty()) {
                if (!place) place = i;
                other.row = nullptr; // gone: compacted when every layer is merged
            }
        }
        // The new row takes the place of the first row it emptied, or goes last.
        std::size_t at = place.value_or(rows.size());
        MergedRow merged{&row_, layer_, std::move(keys_)};
        if (place)
            rows[at] = std::move(merged);
        else
            rows.push_back(std::move(merged));
        index(at);
    }

private:
    // A case names a muscle in any case ("APB", "apb"), so the muscle table's names are one
    // name whatever their case: a row keyed `"apb"` beside a row's `"APB"` was never looked up
    // (the first row wins), and `cpl check` said nothing. Refused, naming the row to restate.
    bool same_muscle_in_other_case() {
        if (table_.decl->name.text != case_tables::muscles) return false;
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            if (extents_[k].kind != Extent::text || !extents_[k].string) continue;
            std::string mine = ascii_lower(extents_[k].low_text);
            auto found = table_.rows_by_lower_name.find(mine);
            if (found == table_.rows_by_lower_name.end()) continue;
            for (std::size_t at : found->second) {
                const MergedRow& other = table_.rows[at];
                if (!other.row) continue;
                for (const auto& theirs : other.keys) {
                    Extent e = extent(theirs);
                    if (e.kind != Extent::text || !e.string || e.id == extents_[k].id ||
                        ascii_lower(e.low_text) != mine)
                        continue;
                    auto& d = diagnostics_.error(
                        "check.muscle_name_case", keys_[k].key->span,
                        fmt::format("muscle `{}` is `{}` of `{}`'s row `{}`: muscle names are "
                                    "matched without regard to case, so one of the two rows is "
                                    "never used",
                                    extents_[k].low_text, e.low_text, other.layer,
                                    shown(other.keys.front(), extent(other.keys.front()))));
                    d.help = fmt::format("write the name as that row does (\"{}\") to restate "
                                         "the muscle",
                                         e.low_text);
                    return true;
                }
            }
        }
        return false;
    }

    // A row of `muscles` is one muscle, named by its first key: a payer's row that restates
    // some of its names makes those a muscle of their own, counted apart from the others
    // ("biceps" and "biceps brachii", two muscles of one limb).
    void split_muscle(const MergedRow& other, const std::vector<MergedKey>& kept) {
        if (table_.decl->name.text != case_tables::muscles) return;
        auto& d = diagnostics_.warning(
            "check.muscle_split", row_.span,
            fmt::format("this row makes the names it restates a muscle of their own, apart from "
                        "`{}`'s muscle {} (whose row keeps {}): a limb needled under both is "
                        "counted as two muscles",
                        other.layer, shown(other.keys.front(), extent(other.keys.front())),
                        fmt::join(names_of(kept), ", ")));
        d.help = "restate the whole row, with every name of the muscle, to change its nerve or "
                 "roots";
    }

    static std::vector<std::string> names_of(const std::vector<MergedKey>& keys) {
        std::vector<std::string> out;
        for (const auto& k : keys)
            out.push_back(shown(k, extent(k)));
        return out;
    }

    // Which of this row's keys meets `e`, if any.
    std::optional<std::size_t> meets(const Extent& e) const {
        if (e.kind == Extent::text) {
            if (auto it = by_id_.find(e.id); it != by_id_.end()) return it->second;
            for (auto i : ranges_)
                if (holds(extents_[i], e)) return i;
            return std::nullopt;
        }
        for (std::size_t i = 0; i < extents_.size(); ++i)
            if (overlap(extents_[i], e)) return i;
        return std::nullopt;
    }

    // Takes the keys the remove's key `k` covers from the first row that has any; false when
    // none has.
    bool take_first(std::size_t k) {
        const Extent& e = extents_[k];
        for (std::size_t i : e.kind == Extent::text ? rows_with(e.id) : every_row()) {
            MergedRow& row = table_.rows[i];
            if (!row.row) continue;
            auto& keys = row.keys;
            auto gone = std::remove_if(keys.begin(), keys.end(), [&](const MergedKey& key) {
                return covers(e, extent(key));
            });
            if (gone == keys.end()) continue;
            if (row.layer == layer_) removes_own(k);
            keys.erase(gone, keys.end());
            if (keys.empty()) row.row = nullptr;
            return true;
        }
        return false;
    }

    // `remove 4..5` over rows `3..4` and `5..`, `remove "G56.00".."G56.13"` over two ranges of
    // strings: the keys the range covers are taken from every row that holds them, a range of
    // numbers keeping the numbers outside it. Only from rows of the dates of the first row
    // taken from: another version of them (other dates) stays, as `remove KEY` leaves it, and
    // is warned of (check.remove_leaves_versions). A range of strings it covers in part is an
    // error: no string ends a part. (A range of codes is single codes by now: keys_of.)
    bool take_range(std::size_t k) {
        const Extent& e = extents_[k];
        std::optional<std::string> taken_dates;
        bool any = false, own = false, in_part = false;
        for (std::size_t i : every_row()) {
            MergedRow& row = table_.rows[i];
            if (!row.row || (taken_dates && dates(row.row->effective) != *taken_dates)) continue;
            std::vector<MergedKey> kept;
            bool changed = false;
            for (const MergedKey& key : row.keys) {
                Extent x = extent(key);
                if (covers(e, x)) {
                    changed = true;
                    continue;
                }
                if (e.kind == Extent::numbers && x.kind == Extent::numbers && overlap(e, x)) {
                    changed = true;
                    if (x.low < e.low) kept.push_back(part(*key.key, x.low, e.low - 1));
                    if (e.high < x.high) kept.push_back(part(*key.key, e.high + 1, key.key->high));
                    continue;
                }
                if (e.kind == Extent::strings && x.kind == Extent::strings && overlap(e, x)) {
                    string_range_in_part(k, row, key);
                    in_part = true;
                }
                kept.push_back(key);
            }
            if (!changed) continue;
            if (!taken_dates) taken_dates = dates(row.row->effective);
            own = own || row.layer == layer_;
            row.keys = std::move(kept);
            if (row.keys.empty()) row.row = nullptr;
            any = true;
        }
        if (own) removes_own(k);
        return any || in_part; // in part: said so, not also "no row"
    }

    void string_range_in_part(std::size_t k, const MergedRow& row, const MergedKey& theirs) {
        auto& d = diagnostics_.error(
            "check.unknown_row", keys_[k].key->span,
            fmt::format("`remove {}` covers part of the range `{}` of `{}`: a range of strings "
                        "is removed only whole",
                        range_written(*keys_[k].key), range_written(*theirs.key), row.layer));
        d.help = fmt::format("`remove {}` whole, and write its keys that stay as rows of their own",
                             range_written(*theirs.key));
    }

    // A policy that writes a key and takes it out again (`95886 => 7`, then `remove 95886`):
    // its row never applies (and when it restated the base's key, the base's row is gone
    // too). A mistake, as a key written twice is.
    void removes_own(std::size_t k) {
        diagnostics_
            .error("check.duplicate_key", keys_[k].key->span,
                   fmt::format("`remove {0}` takes out the row this policy writes for {0}: that "
                               "row never applies",
                               shown(keys_[k], extents_[k])))
            .help = "keep the row (a row restating a key replaces the base's), or the `remove`, "
                    "not both";
    }

    // Takes the numbers `e` names out of the first row whose range of numbers holds some of
    // them, the range keeping the rest: `remove 2` of a row `1..4` leaves it `1..1` and
    // `3..4`, as a restated `2 => …` takes 2 from it. (A range of strings has no string just
    // before or after a key to end a part at: such a `remove` stays unmatched, and is said so.)
    bool take_from_range(const Extent& e) {
        if (e.kind != Extent::numbers && !(e.kind == Extent::text && e.number)) return false;
        std::int64_t low = e.low, high = e.high;
        for (std::size_t i : table_.range_rows) {
            MergedRow& row = table_.rows[i];
            if (!row.row) continue;
            std::vector<MergedKey> kept;
            bool taken = false;
            for (const MergedKey& k : row.keys) {
                Extent range = extent(k);
                if (range.kind != Extent::numbers || range.high < low || high < range.low) {
                    kept.push_back(k);
                    continue;
                }
                taken = true;
                if (range.low < low) kept.push_back(part(*k.key, range.low, low - 1));
                if (high < range.high) kept.push_back(part(*k.key, high + 1, k.key->high));
            }
            if (!taken) continue;
            row.keys = std::move(kept);
            if (row.keys.empty()) row.row = nullptr;
            return true;
        }
        return false;
    }

    // `key`'s range cut down to low..high (high absent: open-ended, as `key` was).
    MergedKey part(const ast::TableKey& key, std::int64_t low, std::optional<std::int64_t> high) {
        auto cut = std::make_shared<ast::TableKey>();
        cut->range = key.range;
        cut->span = key.span;
        cut->low = low;
        cut->high = high;
        table_.range_parts.push_back(cut);
        return {cut.get()};
    }

    // The rows this row may share a key with, in table order: those its keys name through the
    // table's index and those holding ranges; every row when this row holds a range itself.
    std::vector<std::size_t> candidates() const {
        if (!ranges_.empty()) return every_row();
        std::vector<std::size_t> out = table_.range_rows;
        for (const auto& [id, _] : by_id_)
            if (auto it = table_.rows_by_key.find(id); it != table_.rows_by_key.end())
                out.insert(out.end(), it->second.begin(), it->second.end());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    std::vector<std::size_t> rows_with(const std::string& id) const {
        auto it = table_.rows_by_key.find(id);
        if (it == table_.rows_by_key.end()) return {};
        std::vector<std::size_t> out = it->second;
        std::sort(out.begin(), out.end());
        return out;
    }

    std::vector<std::size_t> every_row() const {
        std::vector<std::size_t> out(table_.rows.size());
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = i;
        return out;
    }

    // Records where the row at `at` is, by each of its keys.
    void index(std::size_t at) {
        bool range = false;
        bool muscles = table_.decl->name.text == case_tables::muscles;
        for (const auto& k : table_.rows[at].keys) {
            Extent e = extent(k);
            if (e.kind != Extent::text) {
                range = true;
                continue;
            }
            table_.rows_by_key[e.id].push_back(at);
            if (muscles && e.string)
                table_.rows_by_lower_name[ascii_lower(e.low_text)].push_back(at);
        }
        if (range) table_.range_rows.push_back(at);
    }

    void duplicate(const MergedKey& theirs, const Extent& e, std::size_t mine) {
        std::string message =
            fmt::format("table `{}` already has a row for {}", table_.decl->name.text,
                        meeting(keys_[mine], extents_[mine], theirs, e));
        if (auto range = range_of(theirs))
            message += fmt::format(" (the range `{}` covers it)", *range);
        else if (auto own = range_of(keys_[mine]))
            message += fmt::format(" (this row's range `{}` covers it)", *own);
        auto& d = diagnostics_.error("check.duplicate_key", row_.span, std::move(message));
        d.notes.push_back("each key may appear once in a table");
    }

    // (A range's key in a row with others is check.range_key_alone already.)
    void repeated(const MergedKey& first, const MergedKey& again, const Extent& e) {
        if (range_of(first) || range_of(again)) return;
        diagnostics_
            .error("check.duplicate_key", again.key->span,
                   fmt::format("this row already has the key {}", shown(again, e)))
            .help = "write each key of a row once";
    }

    void partial(const MergedRow& other, const MergedKey& theirs, std::size_t mine) {
        auto& d = diagnostics_.error(
            "check.duplicate_key", keys_[mine].key->span,
            fmt::format("the range `{}` covers part of the range `{}` of `{}`",
                        range_written(*keys_[mine].key), range_written(*theirs.key), other.layer));
        d.help = fmt::format("restate `{}` whole, or `remove {}` and write the ranges anew",
                             range_written(*theirs.key), range_written(*theirs.key));
    }

    MergedTable& table_;
    const ast::TableRow& row_;
    const std::string& layer_;
    Diagnostics& diagnostics_;
    std::vector<MergedKey> keys_;
    std::vector<Extent> extents_;
    std::unordered_map<std::string, std::size_t> by_id_;
    std::vector<std::size_t> ranges_;
};

// A row's dates in words: "until 2023-01-01", "from 2023-01-01", "on every date".
std::string in_force(const ast::Effective& e) {
    if (!e.dated()) return "on every date";
    std::string from = e.from ? "from " + e.from->text : "";
    std::string until = e.until ? "until " + e.until->text : "";
    return from.empty() || until.empty() ? from + until : from + " " + until;
}

} // namespace

void warn_versions_left(const MergedTable& table, std::span<const ast::TableRow> block,
                        const std::string& layer, Diagnostics& diagnostics) {
    for (const ast::TableRow& row : block) {
        if (!row.remove || row.effective.dated()) continue;
        for (const MergedKey& key : keys_of(row)) {
            Extent e = extent(key);
            std::vector<std::size_t> places;
            if (e.kind == Extent::text) {
                auto at = table.rows_by_key.find(e.id);
                if (at == table.rows_by_key.end()) continue;
                places = at->second;
            } else { // a range: every row may hold some of it
                for (std::size_t i = 0; i < table.rows.size(); ++i)
                    places.push_back(i);
            }
            std::sort(places.begin(), places.end());
            places.erase(std::unique(places.begin(), places.end()), places.end());
            // A range of numbers leaves what it overlaps; one of strings, what it covers (one it
            // covers in part is an error of its own).
            auto left_of = [&](const Extent& theirs) {
                return e.kind == Extent::numbers ? overlap(e, theirs) : covers(e, theirs);
            };
            std::vector<std::string> left;
            for (std::size_t i : places) {
                const MergedRow& other = table.rows[i];
                // The policy's own row, written after its `remove` (the base's taken out, then
                // the key written anew), is what it means to leave.
                if (!other.row || other.layer == layer) continue;
                for (const MergedKey& theirs : other.keys)
                    if (left_of(extent(theirs))) {
                        left.push_back(in_force(other.row->effective));
                        break;
                    }
            }
            std::sort(left.begin(), left.end());
            left.erase(std::unique(left.begin(), left.end()), left.end());
            if (left.empty()) continue;
            std::string shown_key = shown(key, e);
            auto& d = diagnostics.warning(
                "check.remove_leaves_versions", key.key->span,
                fmt::format("`remove {0}` takes out one version of {0}, the first the table "
                            "has: {1} {2} {3} in force",
                            shown_key, left.size() == 1 ? "its version" : "its versions",
                            fmt::join(left, " and "), left.size() == 1 ? "stays" : "stay"));
            d.help = fmt::format("write `remove {}` once for each version to take out", shown_key);
        }
    }
}

void merge_row(MergedTable& table, const ast::TableRow& row, const std::string& layer,
               Diagnostics& diagnostics) {
    RowMerger merger(table, row, layer, diagnostics);
    if (row.remove)
        merger.remove();
    else
        merger.add();
}

} // namespace cpl
