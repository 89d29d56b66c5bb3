// interpreter/lsp/completion.cpp — what may be written at the cursor, judged from the text
// before it on its line (the document rarely parses while it is being typed):
//   in a comment                          nothing
//   in a string of an expression          compared with a field of fixed values (`limb.limb ==
//   (not a description, message, cite…)   "`), its values; else the names of table `muscles`
//   in a number, or the `policy` header   nothing (after `policy NAME`: `extends`)
//   after `case.`                         the fields of the case; after `claim.`/`supported.`
//                                         those of a claim line; after `x.` those of what the
//                                         declaration binds `x` to, else every record field
//   after `override rule`, `disable edit`, `to rule`…   the rules (or edits)
//   at the start of a line                the declaration keywords and the settings (to restate)
//   elsewhere                             locals of the declaration, settings, tables,
//                                         definitions, built-ins, `case`… and keywords
#include "interpreter/case/case_schema.hpp"
#include "interpreter/lsp/features.hpp"
#include "interpreter/lsp/names.hpp"
#include "lang/vocabulary.hpp"
#include "stdlib/builtins.hpp"

#include <fmt/format.h>
#include <regex>
#include <set>

namespace cpl::lsp {

namespace {

// LSP CompletionItemKind values.
enum ItemKind {
    function_item = 3,
    field_item = 5,
    variable_item = 6,
    value_item = 12,
    keyword_item = 14,
    constant_item = 21,
    struct_item = 22,
    event_item = 23
};

bool is_ident(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct Cursor {
    std::string_view line; // the line up to the cursor
    bool in_comment = false;
    bool in_string = false;
    std::size_t string_start = 0; // in `line`: the first character after the opening quote
};

// The scan of lang/parse.cpp in miniature: strings (with escapes and `{…}` interpolation,
// which is an expression again) and comments.
Cursor scan(std::string_view line) {
    Cursor c{line};
    // INVARIANT: braces.size() == strings.size() + 1 in an expression, == strings.size() in a
    // string. An interpolation `{` opens an expression level; its `}` closes it.
    std::vector<std::size_t> strings; // open strings, innermost last
    std::vector<int> braces{0};       // record braces open at each expression level
    for (std::size_t i = 0; i < line.size(); ++i) {
        char ch = line[i];
        bool in_string = strings.size() == braces.size();
        if (in_string) {
            if (ch == '\\') {
                ++i;
            } else if (ch == '"') {
                strings.pop_back();
            } else if (ch == '{') {
                braces.push_back(0);
            }
        } else if (ch == '#') {
            c.in_comment = true;
            return c;
        } else if (ch == '"') {
            strings.push_back(i + 1);
        } else if (ch == '{') {
            ++braces.back();
        } else if (ch == '}') {
            if (braces.back() > 0)
                --braces.back();
            else if (braces.size() > 1)
                braces.pop_back();
        }
    }
    c.in_string = !strings.empty() && strings.size() == braces.size();
    if (c.in_string) c.string_start = strings.back();
    return c;
}

// Text the completion patterns may read. std::regex matches by recursion, a level for each
// character a repetition takes, and a line of some 30,000 characters overflowed the stack (the
// server crashed). So a line longer than `longest_line` is left out (kept as an empty line),
// only the last `keep` bytes are read, and line ends are `\n` (a CRLF document's `\r` stopped
// `let x = …` at its line's end).
std::string for_patterns(std::string_view text, std::size_t keep = 16384) {
    constexpr std::size_t longest_line = 2048;
    if (text.size() > keep) text = text.substr(text.size() - keep);
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        std::size_t stop = end == std::string_view::npos ? text.size() : end;
        if (stop - start <= longest_line) out.append(text.substr(start, stop - start));
        if (end == std::string_view::npos) break;
        out += '\n';
        start = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
    }
    return out;
}

// The beginning of a declaration, where a `def`'s parameters and an edit's header are, for the
// patterns.
std::string header_of(std::string_view declaration) {
    return for_patterns(declaration.substr(0, 2048));
}

// Whether `text` ends with one of `words` (at a word's start) and blanks; the word found.
std::optional<std::string_view> last_word_of(std::string_view text,
                                             std::initializer_list<std::string_view> words) {
    std::size_t end = text.size();
    while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1])))
        --end;
    if (end == text.size()) return std::nullopt; // no blank after it: still being typed
    for (std::string_view w : words)
        if (end >= w.size() && text.substr(end - w.size(), w.size()) == w &&
            (end == w.size() || !is_ident(text[end - w.size() - 1])))
            return text.substr(end - w.size(), w.size());
    return std::nullopt;
}

// After `override rule `, `disable edit `, `exception x to rule `, `narrow edit `, or a new
// rule's `before `/`after ` (`rule NAME … after `): the kind of rule whose names come next.
// A scan, not a pattern: the line may be as long as a description is.
std::optional<std::string_view> rule_target(std::string_view before) {
    if (auto kind = last_word_of(before, {"rule", "edit"})) {
        std::string_view rest =
            before.substr(0, static_cast<std::size_t>(kind->data() - before.data()));
        if (last_word_of(rest, {"override", "disable", "to", "narrow"})) return kind;
        return std::nullopt;
    }
    if (!last_word_of(before, {"before", "after"})) return std::nullopt;
    // `rule NAME` or `edit NAME` earlier on the line, each at a word's start.
    for (std::string_view kind : {"rule", "edit"})
        for (std::size_t at = before.find(kind); at != std::string_view::npos;
             at = before.find(kind, at + 1)) {
            std::size_t after = at + kind.size();
            if ((at > 0 && is_ident(before[at - 1])) || after >= before.size() ||
                !std::isspace(static_cast<unsigned char>(before[after])))
                continue;
            while (after < before.size() && std::isspace(static_cast<unsigned char>(before[after])))
                ++after;
            if (after < before.size() && is_ident(before[after])) return kind;
        }
    return std::nullopt;
}

// Whether a string opened after `before` is a value of an expression (`when "`, `m.name == "`,
// `["`, `f("`, `then "`), not a description or message, which follows a name or an action's
// word (`rule r "`, `warn "`, `otherwise "`).
bool value_string(std::string_view before) {
    std::size_t end = before.find_last_not_of(" \t");
    if (end == std::string_view::npos) return false; // a line's first word is no value
    if (std::string_view("([{,=:+<>").find(before[end]) != std::string_view::npos) return true;
    if (!is_ident(before[end])) return false;
    std::size_t start = end + 1;
    while (start > 0 && is_ident(before[start - 1]))
        --start;
    std::string_view word = before.substr(start, end + 1 - start);
    for (std::string_view operator_word : {"when", "if", "in", "and", "or", "not", "then", "else"})
        if (word == operator_word) return true;
    return false;
}

// On the header line (`policy NAME …`): whether the text before the cursor is `policy NAME `,
// after which `extends` comes; nothing on any other line. A scan, not a pattern: the line may
// be any length, and std::regex recurses once a character (for_patterns).
std::optional<bool> extends_next(std::string_view before) {
    auto blanks = [&](std::size_t at) {
        while (at < before.size() && (before[at] == ' ' || before[at] == '\t'))
            ++at;
        return at;
    };
    std::size_t at = blanks(0);
    if (before.substr(at, 6) != "policy" || (at + 6 < before.size() && is_ident(before[at + 6])))
        return std::nullopt;
    std::size_t name = blanks(at + 6), end = name;
    auto lower = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
    if (name == at + 6 || end >= before.size() || !lower(before[end])) return false;
    while (end < before.size() &&
           (lower(before[end]) || std::isdigit(static_cast<unsigned char>(before[end]))))
        ++end;
    return blanks(end) > end && blanks(end) == before.size();
}

json item(std::string label, int kind, std::string detail, std::string doc, char rank) {
    json out = {{"label", label}, {"kind", kind}, {"sortText", std::string(1, rank) + label}};
    if (!detail.empty()) out["detail"] = std::move(detail);
    if (!doc.empty()) out["documentation"] = {{"kind", "markdown"}, {"value", std::move(doc)}};
    return out;
}

std::string with_cite(const std::string& doc, const std::optional<ast::Cite>& cite) {
    if (!cite) return doc;
    return doc + (doc.empty() ? "" : "\n\n") + "Cite: " + cite->text;
}

void muscles(const Analysis& a, const Document& d, const json& position, const Cursor& c,
             std::size_t line, json& items) {
    const MergedTable* table = find_table(a.names(), "muscles");
    if (!table) return;
    // The whole string so far is replaced, so names with blanks complete as one.
    LineIndex lines(d.text);
    Position start = lines.position(static_cast<std::uint32_t>(line + c.string_start), a.encoding);
    json range = {{"start", {{"line", start.line}, {"character", start.character}}},
                  {"end", position}};
    for (const auto& row : table->rows) {
        std::string canonical;
        std::string value = row.row->value ? std::string(a.text(row.row->value->span)) : "";
        for (const auto& key : row.row->keys) {
            if (!key.literal) continue;
            const auto* s = std::get_if<ast::StringLit>(&key.literal->kind);
            if (!s || s->parts.size() != 1 || !std::holds_alternative<std::string>(s->parts[0]))
                continue;
            const std::string& name = std::get<std::string>(s->parts[0]);
            std::string detail =
                canonical.empty() ? value : fmt::format("{} ({})", canonical, value);
            if (canonical.empty()) canonical = name;
            json i = item(name, value_item, detail, "", '1');
            i["filterText"] = name;
            i["textEdit"] = {{"range", range}, {"newText", name}};
            items.push_back(std::move(i));
        }
    }
}

// What a name is in a declaration, read from its text as `fields` needs it: the records whose
// fields follow its `.`. Bound by `for x in E`, `any x in E:` (and `all`, `none`, a
// comprehension's `for`), `let x = E`, or a parameter `x: extremity`, with E a path of fields
// from `case`, `claim`, `supported` or another such name. Null when the text does not say.
class NameTypes {
public:
    NameTypes(std::string_view declaration)
        : text_(for_patterns(declaration)), header_(header_of(declaration)) {
        add_case_shapes(shapes_, types_);
    }

    const std::vector<Shape>& shapes() const { return shapes_; }
    const std::vector<std::vector<TypeP>>& types() const { return types_; }

    TypeP of_path(const std::string& path, int depth = 0) const {
        if (depth > 8) return nullptr; // `let a = b.x` … `let b = a.y`: a cycle of text
        std::size_t dot = path.find('.');
        std::string root = path.substr(0, dot);
        TypeP t = root == "case"                           ? record_type(shape_case)
                  : root == "claim" || root == "supported" ? list_of(record_type(shape_line))
                                                           : of_name(root, depth + 1);
        for (std::size_t at = dot; t && at != std::string::npos;) {
            std::size_t next = path.find('.', at + 1);
            t = field(t, path.substr(at + 1, next == std::string::npos ? next : next - at - 1));
            at = next;
        }
        return t;
    }

    TypeP of_name(const std::string& name, int depth = 0) const {
        const std::string& text = text_;
        std::smatch m;
        const std::string path = R"(([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*))";
        std::regex loop(R"(\b(?:for|any|all|none)\s+)" + name + R"(\s+in\s+)" + path);
        if (std::regex_search(text, m, loop)) {
            TypeP list = of_path(m[1], depth);
            return list && list->kind == TypeKind::List ? list->element : nullptr;
        }
        std::regex let(R"(\blet\s+)" + name + R"(\s*=\s*)" + path +
                       R"([ \t]*(?:#[^\n]*)?(?:\n|$))");
        if (std::regex_search(text, m, let)) return of_path(m[1], depth);
        std::regex param(R"(^def\s+[a-z_][a-z0-9_]*\s*\([^)]*\b)" + name + R"(\s*:\s*([a-z_]+))");
        if (std::regex_search(header_, m, param))
            for (std::size_t s = 0; s < shapes_.size(); ++s)
                if (shapes_[s].name == m[1].str())
                    return record_type(static_cast<std::uint32_t>(s));
        return nullptr;
    }

private:
    static TypeP record_type(std::uint32_t shape) {
        return std::make_shared<const Type>(Type{TypeKind::Record, nullptr, shape});
    }

    // `.f` of a record, or of each record of a list (`limb.muscles.roots`).
    TypeP field(const TypeP& t, const std::string& name) const {
        bool each = t->kind == TypeKind::List && t->element && t->element->kind == TypeKind::Record;
        const TypeP& record = each ? t->element : t;
        if (record->kind != TypeKind::Record || record->shape >= shapes_.size()) return nullptr;
        int index = shapes_[record->shape].field_index(name);
        if (index < 0) return nullptr;
        TypeP found = types_[record->shape][static_cast<std::size_t>(index)];
        return each ? list_of(found) : found;
    }

    std::string text_;   // the declaration, for the patterns (for_patterns)
    std::string header_; // its beginning, where a `def`'s parameters are
    std::vector<Shape> shapes_;
    std::vector<std::vector<TypeP>> types_;
};

// In a string compared with a field of a fixed set of values (`limb.limb == "`, `"` in
// `case.provider_role in ["`): its values; true when the text says which field it is.
bool choices(std::string_view before, std::string_view declaration, Position start,
             const json& position, json& items) {
    static const std::regex compared(
        R"(([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\.([a-z_][a-z0-9_]*)\s*(?:==|!=|in\s*\[(?:\s*"[^"]*"\s*,)*)\s*$)");
    std::string text = for_patterns(before, 1024);
    std::smatch m;
    if (!std::regex_search(text, m, compared)) return false;
    NameTypes names(declaration);
    TypeP record = names.of_path(m[1]);
    if (record && record->kind == TypeKind::List && record->element) record = record->element;
    if (!record || record->kind != TypeKind::Record) return false;
    // A line of the claim edits see holds what a claim line of the case does.
    std::uint32_t shape = record->shape == shape_line ? shape_claim_line : record->shape;
    if (!case_schema::has_schema(shape)) return false;
    for (const auto& f : case_schema::schema_of(shape).fields) {
        if (f.name != m[2].str() || f.spec.read != case_schema::Read::OneOf) continue;
        json range = {{"start", {{"line", start.line}, {"character", start.character}}},
                      {"end", position}};
        for (std::string_view option : f.spec.choice->options) {
            json i =
                item(std::string(option), value_item, std::string(f.spec.choice->what), "", '0');
            i["textEdit"] = {{"range", range}, {"newText", std::string(option)}};
            items.push_back(std::move(i));
        }
        return true;
    }
    return false;
}

void fields(std::string_view object, std::string_view declaration, json& items) {
    NameTypes names(declaration);
    const auto& shapes = names.shapes();
    const auto& types = names.types();
    // The records the object is (or is a list of), when its declaration says; else any.
    std::optional<std::uint32_t> only;
    if (object != "case" && object != "claim" && object != "supported") {
        if (TypeP t = names.of_name(std::string(object))) {
            if (t->kind == TypeKind::List && t->element) t = t->element;
            if (t->kind != TypeKind::Record) return; // a text, a number: no fields
            only = t->shape;
        }
    }
    std::set<std::string> seen;
    for (std::size_t s = 0; s < shapes.size(); ++s) {
        bool wanted = object == "case"                             ? s == shape_case
                      : object == "claim" || object == "supported" ? s == shape_line
                      : only                                       ? s == *only
                                                                   : s != shape_case;
        if (!wanted) continue;
        for (std::size_t f = 0; f < shapes[s].fields.size(); ++f) {
            const std::string& name = shapes[s].fields[f];
            if (!seen.insert(name).second) continue;
            items.push_back(
                item(name, field_item,
                     fmt::format("{}.{}: {}", shapes[s].name, name, describe(types[s][f], shapes)),
                     "", '0'));
        }
    }
}

// Completion items by label, each offered once.
class Offer {
public:
    explicit Offer(json& items) : items_(items) {}
    void operator()(json item) {
        if (labels_.insert(item["label"].get<std::string>()).second)
            items_.push_back(std::move(item));
    }

private:
    json& items_;
    std::set<std::string> labels_;
};

// While the document does not parse, its names come from the context, which read the
// document as saved: the declarations it made there are stale, and what parses now stands for
// them (a name declared since the save is offered, one deleted since is not).
bool stale(const Analysis& a, const ast::Ident& declared) {
    return !a.merged && a.mine(declared.span.file);
}

// The declarations of what parsed of the document, when they are not in `a.names()`.
std::vector<const ast::Decl*> own_declarations(const Analysis& a) {
    std::vector<const ast::Decl*> out;
    if (a.merged || !a.own) return out;
    for (const auto& decl : a.own->decls)
        out.push_back(&decl);
    return out;
}

// The layer the document's own declarations belong to: its policy, or the root including it.
std::string own_layer(const Analysis& a) {
    if (a.own && a.own->has_header) return a.own->name.text;
    return a.names() ? a.names()->name : "";
}

json rule_item(const ast::Rule& r, const std::string& layer) {
    bool edit = r.kind == ast::RuleKind::Edit;
    return item(r.name.text, event_item, fmt::format("{} · {}", edit ? "edit" : "rule", layer),
                r.doc, '0');
}

void rules(const Analysis& a, bool edits, json& items) {
    Offer offer(items);
    if (const MergedPolicy* p = a.names())
        for (const auto& r : edits ? p->edits : p->rules)
            if (!stale(a, r.rule->name)) offer(rule_item(*r.rule, r.layer));
    for (const ast::Decl* decl : own_declarations(a))
        if (const auto* r = std::get_if<ast::Rule>(decl))
            if ((r->kind == ast::RuleKind::Edit) == edits) offer(rule_item(*r, own_layer(a)));
}

json setting_item(const ast::Setting& s, const std::string& layer) {
    return item(s.name.text, constant_item,
                fmt::format("setting · {} · `{}`", literal_type(s.value), layer),
                with_cite(s.doc, s.cite), '1');
}

json table_item(const ast::Table& t, std::size_t rows, const std::string& doc,
                const std::optional<ast::Cite>& cite) {
    return item(t.name.text, struct_item, fmt::format("table · {} rows", rows),
                with_cite(doc, cite), '1');
}

json def_item(const ast::Def& d) {
    return item(d.name.text, d.is_function ? function_item : variable_item, def_signature(d), d.doc,
                '1');
}

void declarations(const Analysis& a, bool restating, json& items) {
    Offer offer(items);
    const MergedPolicy* p = a.names();
    std::vector<const ast::Decl*> own = own_declarations(a);
    if (p)
        for (const auto& s : p->settings)
            if (!stale(a, s.decl->name)) offer(setting_item(*s.decl, s.layer));
    for (const ast::Decl* decl : own)
        if (const auto* s = std::get_if<ast::Setting>(decl)) offer(setting_item(*s, own_layer(a)));
    if (restating) return;
    if (p) {
        for (const auto& t : p->tables)
            if (!stale(a, t.decl->name))
                offer(table_item(*t.decl, t.rows_in_force(), t.doc(), t.cite()));
        for (const auto& d : p->defs)
            if (!stale(a, d.decl->name)) offer(def_item(*d.decl));
    }
    for (const ast::Decl* decl : own) {
        if (const auto* t = std::get_if<ast::Table>(decl))
            offer(table_item(*t, t->rows.size(), t->doc, t->cite));
        else if (const auto* d = std::get_if<ast::Def>(decl))
            offer(def_item(*d));
    }
}

// Where the line holding `pos` starts: after a `\n`, or a `\r` alone (LSP's line ends).
std::size_t line_start(std::string_view text, std::size_t pos) {
    std::size_t newline = pos == 0 ? std::string_view::npos : text.find_last_of("\r\n", pos - 1);
    return newline == std::string_view::npos ? 0 : newline + 1;
}

// The declaration around the cursor: from the last line that starts with a lower-case letter
// (where the parser, too, finds a declaration's start).
std::string_view declaration_text(std::string_view text, std::size_t cursor) {
    std::size_t start = line_start(text, cursor);
    while (start > 0 && !std::islower(static_cast<unsigned char>(text[start])))
        start = line_start(text, start - 1);
    return text.substr(start, cursor - start);
}

void locals(std::string_view declaration, json& items) {
    static const std::regex binding(R"(\b(?:let|for)\s+([a-z_][a-z0-9_]*))");
    static const std::regex params(R"(^def\s+[a-z_][a-z0-9_]*\s*\(([^)]*)\))");
    static const std::regex param(R"(([a-z_][a-z0-9_]*)\s*(?::\s*[a-z_]+)?)");
    std::set<std::string> seen;
    std::string text = for_patterns(declaration);
    std::string header = header_of(declaration);
    auto add = [&](const std::string& name, const char* how) {
        if (seen.insert(name).second) items.push_back(item(name, variable_item, how, "", '0'));
    };
    for (std::sregex_iterator it(text.begin(), text.end(), binding), end; it != end; ++it)
        add((*it)[1], "local");
    std::smatch m;
    if (std::regex_search(header, m, params)) {
        std::string list = m[1];
        for (std::sregex_iterator it(list.begin(), list.end(), param), end; it != end; ++it)
            add((*it)[1], "parameter");
    }
}

} // namespace

json completion(const Analysis& a, const Document& d, const json& position) {
    json items = json::array();
    // Counted in the document as the client has it: the analysed text has had its CRLFs and
    // byte order mark taken out, and its offsets fell a byte early for each line before.
    std::string_view text = d.text;
    LineIndex lines(text);
    std::uint32_t cursor = lines.offset(position_of(position), a.encoding);
    std::size_t line = line_start(text, cursor);
    Cursor c = scan(text.substr(line, cursor - line));
    auto done = [&] { return json{{"isIncomplete", false}, {"items", std::move(items)}}; };
    if (c.in_comment) return done();
    if (c.in_string) {
        static const std::regex plain_text(R"(\b(cite|include|from|until|version)\s*$)");
        std::string_view before = c.line.substr(0, c.string_start - 1);
        if (std::regex_search(for_patterns(before, 256), plain_text)) return done();
        // A description or a message (`rule r "`, `warn "`, `otherwise "`) is prose: only a
        // string where an expression expects a value is completed.
        if (!value_string(before)) return done();
        Position start =
            lines.position(static_cast<std::uint32_t>(line + c.string_start), a.encoding);
        if (!choices(before, declaration_text(text, cursor), start, position, items))
            muscles(a, d, position, c, line, items);
        return done();
    }
    std::size_t word = c.line.size();
    while (word > 0 && is_ident(c.line[word - 1]))
        --word;
    // A number being typed (`min_limbs 4`) has nothing to complete.
    if (word < c.line.size() && std::isdigit(static_cast<unsigned char>(c.line[word])))
        return done();
    std::string before(c.line.substr(0, word));
    // The header: `policy NAME` then `extends`, and nothing else.
    if (auto extends = extends_next(before)) {
        if (*extends) items.push_back(item("extends", keyword_item, "", "", '0'));
        return done();
    }
    if (!before.empty() && before.back() == '.') {
        std::size_t object = before.size() - 1;
        while (object > 0 && is_ident(before[object - 1]))
            --object;
        fields(std::string_view(before).substr(object, before.size() - 1 - object),
               declaration_text(text, cursor), items);
        return done();
    }
    if (auto kind = rule_target(before)) {
        rules(a, *kind == "edit", items);
        return done();
    }
    bool line_start_word = before.empty();
    declarations(a, line_start_word, items);
    for (auto keyword : vocabulary::reserved_words)
        items.push_back(item(std::string(keyword), keyword_item, "", "", '4'));
    // Words that are keywords only where the grammar expects them.
    static const std::vector<std::string> declaration_words{"narrow"};
    static const std::vector<std::string> expression_words{"first", "otherwise"};
    for (const auto& keyword : line_start_word ? declaration_words : expression_words)
        items.push_back(item(keyword, keyword_item, "", "", '4'));
    if (line_start_word) return done();

    std::string_view declaration = declaration_text(text, cursor);
    locals(declaration, items);
    static const std::regex edit_header(
        R"(^(?:fixed\s+|override\s+|narrow\s+)?(?:edit\b|exception\s+\w+\s+to\s+edit\b))");
    bool in_edit =
        std::regex_search(header_of(declaration.substr(0, declaration.find('\n'))), edit_header);
    for (const auto& s : special_names)
        if (!s.edits_only || in_edit)
            items.push_back(item(std::string(s.name), variable_item, std::string(s.type),
                                 std::string(s.doc), '2'));
    for (const auto& b : builtins())
        items.push_back(item(std::string(b.name), function_item, std::string(b.signature),
                             std::string(b.doc), '3'));
    return done();
}

} // namespace cpl::lsp
