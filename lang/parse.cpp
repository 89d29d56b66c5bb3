// lang/parse.cpp — drives the grammar one declaration at a time, turning PEGTL's
// exceptions into diagnostics and recovering at the next declaration.
#include "parse.hpp"

#include "grammar_errors.hpp"
#include "parse_tree.hpp"
#include "parse_tree_control.hpp"
#include "suggest.hpp"
#include "utf8.hpp"
#include "vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <optional>
#include <tao/pegtl/contrib/limit_depth.hpp>
#include <utility>

namespace cpl {

namespace detail {

namespace {

// Freed nodes, linked through their first bytes. A thread keeps the nodes it freed (a parse
// frees every node it allocates before it returns, on the same thread), so the list is as
// long as the largest tree parsed at once, and memory does not grow with the files read.
struct FreeNode {
    FreeNode* next;
};
struct FreeNodes {
    FreeNode* head = nullptr;
    FreeNodes() = default;
    FreeNodes(const FreeNodes&) = delete;
    FreeNodes& operator=(const FreeNodes&) = delete;
    ~FreeNodes() {
        while (head)
            ::operator delete(std::exchange(head, head->next));
    }
};
thread_local FreeNodes free_nodes;

} // namespace

void* Node::operator new(std::size_t size) {
    if (size == sizeof(Node) && free_nodes.head)
        return std::exchange(free_nodes.head, free_nodes.head->next);
    return ::operator new(size);
}

void Node::operator delete(void* node, std::size_t size) noexcept {
    if (size != sizeof(Node)) return ::operator delete(node);
    auto* free = static_cast<FreeNode*>(node);
    free->next = free_nodes.head;
    free_nodes.head = free;
}

} // namespace detail

namespace {

namespace g = cpl::grammar;
namespace pegtl = tao::pegtl;

template <typename Rule> struct depth_guard : pegtl::limit_depth<max_parse_depth> {};

using Input = pegtl::memory_input<pegtl::tracking_mode::eager, pegtl::eol::lf_crlf, std::string>;

std::unique_ptr<detail::Node> parse_at(const SourceFile& source, std::size_t offset,
                                       std::size_t& consumed_to, auto rule_tag) {
    using Rule = decltype(rule_tag);
    std::string_view text = source.text();
    Input in(text.data() + offset, text.data() + text.size(), source.path(), offset, 1, 1);
    auto root = detail::parse_tree<Rule, detail::selector, depth_guard, g::control>(in);
    consumed_to = static_cast<std::size_t>(in.byte());
    return root;
}

struct SyntaxError {
    std::string code;
    std::string message;
    std::size_t byte;
    std::size_t length = 1;
    std::string help = {};
};

// A missing token is reported right after the last one written, not after the blank
// lines and comments that follow it.
std::size_t after_last_token(std::string_view text, std::size_t byte) {
    std::size_t back = std::min(byte, text.size());
    // Back over blanks and whole comments, to the end of the last token: a missing name after
    // `disable rule` followed by a comment line is said after `rule`, not at the end of the
    // comment (`# and XU` read as where the mistake is). A `#` is a comment's outside a string.
    for (;;) {
        while (back > 0 && std::isspace(static_cast<unsigned char>(text[back - 1])))
            --back;
        std::size_t line = text.rfind('\n', back == 0 ? 0 : back - 1);
        std::size_t first = line == std::string_view::npos || back == 0 ? 0 : line + 1;
        std::size_t comment = std::string_view::npos;
        bool in_string = false;
        for (std::size_t i = first; i < back; ++i) {
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\')) in_string = !in_string;
            if (text[i] == '#' && !in_string) {
                comment = i;
                break;
            }
        }
        if (comment == std::string_view::npos) return back;
        back = comment;
    }
}

// A lone `=` (not `==`, not `=>`) where an expression could go on: the author meant `==`.
bool lone_equals(std::string_view text, std::size_t at) {
    return at < text.size() && text[at] == '=' &&
           (at + 1 == text.size() || (text[at + 1] != '=' && text[at + 1] != '>'));
}

// The length of an ICD-10-CM code written without quotes at `at` (`G56.01`, `G60`: a capital,
// a digit, a digit or capital, then maybe `.` and up to four more), or 0. Nothing in cpl
// starts with a capital, so such a token is always a diagnosis that lost its quotes.
std::size_t unquoted_diagnosis(std::string_view text, std::size_t at) {
    auto upper = [&](std::size_t i) {
        return i < text.size() && std::isupper(static_cast<unsigned char>(text[i]));
    };
    auto digit = [&](std::size_t i) {
        return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
    };
    if (!upper(at) || !digit(at + 1) || !(digit(at + 2) || upper(at + 2))) return 0;
    std::size_t end = at + 3;
    if (end < text.size() && text[end] == '.') {
        std::size_t more = end + 1;
        while (more < text.size() && more - end <= 4 && (digit(more) || upper(more)))
            ++more;
        if (more == end + 1) return 0;
        end = more;
    }
    if (end < text.size() &&
        (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
        return 0;
    return end - at;
}

// `&&` or `||` after an expression, or `!` (not `!=`) where one should start, as C,
// JavaScript and SQL dialects write `and`, `or` and `not`: the symbol and the word cpl spells
// it with, or nothing. Elsewhere (a table row's keys, `"x" ! "y"`) the word would be no fix.
std::optional<std::pair<std::string_view, std::string_view>>
logic_symbol(std::string_view text, std::size_t at, bool after_expression) {
    using Spelled = std::pair<std::string_view, std::string_view>;
    if (after_expression)
        for (Spelled spelled : {Spelled{"&&", "and"}, Spelled{"||", "or"}})
            if (text.substr(at, spelled.first.size()) == spelled.first) return spelled;
    if (!after_expression && text.substr(at, 1) == "!" && text.substr(at, 2) != "!=")
        return Spelled{"!", "not"};
    return std::nullopt;
}

// Mistakes recognised by the text where parsing stopped, whatever the parser expected
// there: `=` for `==` after an expression, `&&`, `||` or `!` for `and`, `or` or `not`, and an
// ICD-10-CM code without quotes.
std::optional<SyntaxError> recognised_mistake(std::string_view text, std::size_t at,
                                              bool after_expression) {
    if (after_expression && lone_equals(text, at))
        return SyntaxError{"parse.assign_for_equals",
                           "`=` does not compare: it names a value, in `let` and `def`", at, 1,
                           "to compare, write `==`"};
    std::size_t symbol_at = at;
    while (symbol_at < text.size() && (text[symbol_at] == ' ' || text[symbol_at] == '\t'))
        ++symbol_at;
    if (auto logic = logic_symbol(text, symbol_at, after_expression))
        return SyntaxError{"parse.logic_symbol",
                           fmt::format("`{}` is not an operator of cpl", logic->first), symbol_at,
                           logic->first.size(), fmt::format("write `{}`", logic->second)};
    if (std::size_t length = unquoted_diagnosis(text, at)) {
        std::string code(text.substr(at, length));
        return SyntaxError{
            "parse.unquoted_diagnosis_code",
            fmt::format("`{}` looks like an ICD-10-CM code written without quotes", code), at,
            length, fmt::format("a diagnosis is a string: write \"{}\"", code)};
    }
    return std::nullopt;
}

// The commit points that can fail right after a complete expression, where a lone `=` is
// the author's `==`.
bool after_expression(std::string_view code) {
    for (std::string_view c :
         {"parse.expected_rbracket", "parse.expected_rparen", "parse.expected_then",
          "parse.expected_else", "parse.expected_rbrace", "parse.unclosed_interpolation",
          "parse.expected_end"})
        if (code == c) return true;
    return false;
}

// The token at `at` as an author reads it: a word or number, else one character.
std::string_view token_at(std::string_view text, std::size_t at) {
    auto word = [&](std::size_t i) {
        return std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_';
    };
    std::size_t end = at + 1;
    if (word(at))
        while (end < text.size() && end - at < 40 && word(end))
            ++end;
    else
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            ++end; // the rest of a UTF-8 character
    return text.substr(at, end - at);
}

SyntaxError to_syntax_error(const pegtl::parse_error& e, std::string_view source) {
    std::string_view text = e.message();
    std::size_t raw = e.positions().empty() ? 0 : e.positions().front().byte;
    std::size_t byte = after_last_token(source, raw);
    if (auto bar = text.find('|'); bar != std::string_view::npos) {
        std::string code(text.substr(0, bar));
        if (auto mistake = recognised_mistake(source, raw, after_expression(code))) return *mistake;
        SyntaxError error{std::move(code), std::string(text.substr(bar + 1)), byte};
        // `"{t[\"x\"]}"`: inside an interpolation, code is code, and its strings are quoted
        // as anywhere else.
        if (error.code == "parse.expected_expression" && raw + 1 < source.size() &&
            source[raw] == '\\' && source[raw + 1] == '"')
            error.help = "inside `{…}` write a string with plain quotes, no backslash: "
                         "`{t[\"x\"]}`";
        // Something stands where the expression should (`def x = $`, `1 + $`): it is the mistake,
        // not the gap before it. A declaration at the start of a later line is not: the expression
        // is missing before it.
        if (error.code == "parse.expected_expression" || error.code == "parse.expected_operand") {
            std::size_t at = raw;
            while (at < source.size() && (source[at] == ' ' || source[at] == '\t'))
                ++at;
            bool next_declaration = at > 0 && source[at - 1] == '\n' && at > byte;
            if (at < source.size() && source[at] != '\n' && source[at] != '\r' &&
                source[at] != '#' && !next_declaration && error.help.empty()) {
                std::string_view got = token_at(source, at);
                error.byte = at;
                error.length = got.size();
                error.message += fmt::format(", not `{}`", printable(got));
            }
        }
        return error;
    }
    return {"parse.too_deep", "expression nested too deeply", byte};
}

// Recovery point: the start of the next line that starts at column 1 with a letter,
// which is where declarations begin in any readable policy file.
std::size_t next_declaration_start(std::string_view text, std::size_t from) {
    for (std::size_t i = from; i < text.size(); ++i) {
        if (text[i] != '\n') continue;
        if (i + 1 >= text.size() || text[i + 1] < 'a' || text[i + 1] > 'z') continue;
        // `end` closes the broken table: skip it too.
        if (text.compare(i + 1, 3, "end") == 0 &&
            (i + 4 >= text.size() || std::isspace(static_cast<unsigned char>(text[i + 4]))))
            continue;
        return i + 1;
    }
    return text.size();
}

Diagnostic& report(Diagnostics& diagnostics, FileId file, const SyntaxError& error) {
    Diagnostic& d = diagnostics.error(
        error.code, Span{file, uint32_t(error.byte), uint32_t(error.byte + error.length)},
        error.message);
    if (!error.help.empty()) d.help = error.help;
    return d;
}

// A typographic quote (“ ” ‘ ’), as a word processor writes one, where the policy wants `"`.
bool typographic_quote_at(std::string_view text, std::size_t at) {
    for (std::string_view quote : {"\u201c", "\u201d", "\u2018", "\u2019"})
        if (text.substr(at, quote.size()) == quote) return true;
    return false;
}
constexpr const char* typographic_quote_help =
    "write straight quotes (\"), not typographic ones (“ ”): a word processor changes them";

// The words a declaration starts with, from the vocabulary (all but the header's `extends`).
std::string declaration_help() {
    std::string words;
    auto& all = vocabulary::declaration_words;
    for (std::size_t i = 1; i < all.size(); ++i)
        words += fmt::format("{}`{}`", i == 1 ? "" : i + 1 == all.size() ? " or " : ", ", all[i]);
    return fmt::format("declarations start with {}, or restate a setting as `NAME VALUE`", words);
}

std::string_view first_word(std::string_view text, std::size_t at) {
    std::size_t end = at;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
        ++end;
    return std::string_view(text).substr(at, std::min<std::size_t>(end - at, 40));
}

// The words a rule's clauses start with, and the words inside one (`units`, `modifiers`), for
// a did-you-mean on a word that was read as a setting's restatement.
const std::vector<std::string_view>& clause_words() {
    static const std::vector<std::string_view> words = [] {
        std::vector<std::string_view> all{"cite", "units", "modifiers", "modifier"};
        for (const auto& clause : vocabulary::clauses)
            all.push_back(clause.keyword.substr(0, clause.keyword.find(' ')));
        return all;
    }();
    return words;
}

} // namespace

bool starts_line(std::string_view text, std::size_t at) {
    return at == 0 || text[at - 1] == '\n';
}

std::optional<std::string> misspelt_clause_help(std::string_view name, std::string_view where) {
    const auto& words = clause_words();
    std::string advice;
    if (std::find(words.begin(), words.end(), name) != words.end())
        advice = fmt::format("`{}` goes on the line of the clause it belongs to", name);
    else if (auto meant = closest(name, words))
        advice = fmt::format("did you mean `{}`?", *meant);
    else
        return std::nullopt;
    return fmt::format(
        "`{}`{} was read as restating a setting, which ended the declaration before it: {}", name,
        where, advice);
}

namespace {

// Every `#` comment outside string literals, for the formatter. A string may hold `{expr}`
// interpolations, which may hold strings and records in turn: a stack tracks the nesting.
void collect_comments(std::string_view text, ast::PolicyFile& policy) {
    struct Frame {
        bool in_string;
        int braces; // open `{` of records inside an interpolation
    };
    std::vector<Frame> stack{{false, 0}};
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        Frame& top = stack.back();
        if (top.in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"' || c == '\n')
                stack.pop_back();
            else if (c == '{')
                stack.push_back({false, 0});
            if (stack.empty()) stack.push_back({false, 0});
            continue;
        }
        if (c == '#') {
            std::size_t end = text.find('\n', i);
            if (end == std::string::npos) end = text.size();
            std::size_t stop = end;
            while (stop > i &&
                   (text[stop - 1] == '\r' || text[stop - 1] == ' ' || text[stop - 1] == '\t'))
                --stop;
            policy.comments.push_back({std::string(text.substr(i, stop - i)),
                                       Span{policy.file, uint32_t(i), uint32_t(stop)}});
            i = end;
        } else if (c == '"') {
            stack.push_back({true, 0});
        } else if (c == '{') {
            ++top.braces;
        } else if (c == '}') {
            if (top.braces > 0)
                --top.braces;
            else if (stack.size() > 1)
                stack.pop_back(); // closes an interpolation
        }
    }
}

} // namespace

ast::PolicyFile parse(const SourceMap& sources, FileId file, Diagnostics& diagnostics,
                      bool expect_header) {
    const SourceFile& source = sources.get(file);
    std::string_view text = source.text();
    ast::PolicyFile policy;
    policy.file = file;
    policy.has_header = false;

    // Policy text ends up in JSON output, which must be UTF-8: a file that is not is refused
    // here, at its first bad byte, rather than producing invalid output later.
    if (std::size_t bad = utf8_error_at(text); bad != std::string::npos) {
        diagnostics
            .error("parse.invalid_utf8", Span{file, uint32_t(bad), uint32_t(bad + 1)},
                   fmt::format("the file is not UTF-8 text (byte 0x{:02X})",
                               static_cast<unsigned char>(text[bad])))
            .help = "save the file as UTF-8";
        return policy;
    }

    // A control character (an escape sequence, a bell, as a terminal or another program left
    // it) would reach the terminal and the pages `cpl doc` writes as it is: refused here, at
    // the first, as a byte that is not UTF-8 is. Tab and the line ends are text.
    if (std::size_t at = control_character_at(text); at != std::string_view::npos) {
        bool c1 = static_cast<unsigned char>(text[at]) == 0xC2; // U+0080–U+009F: two bytes
        unsigned code = static_cast<unsigned char>(text[at + (c1 ? 1 : 0)]);
        diagnostics
            .error("parse.control_character", Span{file, uint32_t(at), uint32_t(at + (c1 ? 2 : 1))},
                   fmt::format("the file holds a control character (U+{:04X})", code))
            .help = "remove it: a text's line break or tab is written `\\n` or `\\t` in quotes";
        return policy;
    }

    std::size_t offset = 0;
    try {
        auto root = parse_at(source, 0, offset, g::file_start{});
        if (root && !root->children.empty()) {
            policy.has_header = true;
            detail::header_to_ast(*root->children.front(), file, policy, diagnostics);
        }
    } catch (const pegtl::parse_error& e) {
        SyntaxError error = to_syntax_error(e, text);
        // `policy Acme`: a name is lower case (capitals never start one).
        std::size_t raw = e.positions().empty() ? 0 : e.positions().front().byte;
        std::string_view written = first_word(text, raw);
        if (error.code == "parse.expected_policy_name" && !written.empty() &&
            std::isupper(static_cast<unsigned char>(written.front()))) {
            std::string lower(written);
            for (char& c : lower)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            error.help =
                fmt::format("a name is lower-case letters, digits and `_`: write `{}`", lower);
        }
        report(diagnostics, file, error);
        offset = next_declaration_start(text, error.byte);
    }
    if (expect_header && !policy.has_header && !diagnostics.has_errors())
        diagnostics
            .error("parse.expected_header", Span{file, 0, 1},
                   "a policy file must start with `policy NAME`")
            .help = "write `policy my_payer extends standard` as the first line";
    if (!expect_header && policy.has_header)
        diagnostics.error("parse.header_in_include", policy.name.span,
                          "an included file cannot have its own `policy` line");

    while (offset < text.size()) {
        std::size_t start = offset;
        try {
            auto root = parse_at(source, start, offset, g::one_declaration{});
            if (!root) {
                if (auto mistake = recognised_mistake(text, start, true)) {
                    report(diagnostics, file, *mistake);
                    offset = next_declaration_start(text, start);
                    continue;
                }
                std::string_view word = first_word(text, start);
                // `  becaus "…"` read as a restatement ended the rule; its next clause (`warn`)
                // is where parsing stopped: said of the word that ended it.
                std::optional<std::string> misspelt;
                const auto* restated = policy.decls.empty()
                                           ? nullptr
                                           : std::get_if<ast::SettingValue>(&policy.decls.back());
                if (restated && !starts_line(text, restated->name.span.begin))
                    misspelt = misspelt_clause_help(
                        restated->name.text,
                        fmt::format(" at line {}", source.locate(restated->name.span.begin).line));
                diagnostics
                    .error("parse.expected_declaration",
                           Span{file, uint32_t(start),
                                uint32_t(start + std::max<std::size_t>(word.size(), 1))},
                           fmt::format("expected a declaration, found `{}`", word))
                    .help = misspelt                            ? *misspelt
                            : typographic_quote_at(text, start) ? typographic_quote_help
                            : word == "cite"
                                ? "this `cite` follows a declaration that takes none (`disable`, "
                                  "`include`, `require`, `source`): give a `disable` its reason "
                                  "in its text (`disable rule NAME \"why, with the reference\"`), "
                                  "or write the reference in a comment (`# …`)"
                                : declaration_help();
                offset = next_declaration_start(text, start);
                continue;
            }
            for (const auto& node : root->children)
                if (auto decl = detail::to_decl(*node, file, diagnostics))
                    policy.decls.push_back(std::move(*decl));
        } catch (const pegtl::parse_error& e) {
            SyntaxError error = to_syntax_error(e, text);
            // A word that is not a keyword starts a setting's restatement (`NAME VALUE`): one
            // a letter or two from a keyword (`extend`, `rul`) was that keyword.
            std::string_view word = first_word(text, start);
            // Indented, one a letter or two from a clause's word (`  whn case.larynx`) was
            // that clause.
            if (error.help.empty() && error.code == "parse.expected_value" &&
                !vocabulary::is_reserved(word)) {
                auto keyword =
                    starts_line(text, start) ? std::nullopt : closest(word, clause_words());
                if (!keyword)
                    keyword = closest(word, {vocabulary::declaration_words.begin(),
                                             vocabulary::declaration_words.end()});
                if (keyword) error.help = fmt::format("did you mean `{}`?", *keyword);
            }
            // What stands where the value goes: a sign (a setting's number has none) or a
            // bare word (a modifier or name is a string: `"XS"`).
            std::size_t at = error.byte;
            while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
                ++at;
            if (error.help.empty() && typographic_quote_at(text, at))
                error.help = typographic_quote_help;
            // A table row keyed by a bare word (`XU => …`): a key that is a word is a string.
            if (error.help.empty() && error.code == "parse.expected_end") {
                std::size_t next = at; // the next token, past blanks and comments
                while (next < text.size() &&
                       (std::isspace(static_cast<unsigned char>(text[next])) || text[next] == '#'))
                    next = text[next] == '#' ? text.find('\n', next) : next + 1;
                next = std::min(next, text.size());
                std::string_view there = first_word(text, next);
                std::size_t after = next + there.size();
                while (after < text.size() && (text[after] == ' ' || text[after] == '\t'))
                    ++after;
                if (there == "cite") {
                    error.help = "only a row `KEY => VALUE` and the table itself take a `cite`: "
                                 "say why a key is removed in a comment (`# …`), or in the "
                                 "table's own `cite`";
                    error.byte = next;
                } else if (!there.empty() && std::isalpha(static_cast<unsigned char>(there[0])) &&
                           !vocabulary::is_reserved(there) &&
                           (text.compare(after, 2, "=>") == 0 ||
                            text.compare(after, 1, ",") == 0)) {
                    error.help =
                        fmt::format("a key that is a word is written in quotes: \"{}\"", there);
                    error.byte = next; // at the row, not after the line before it
                }
            }
            if (error.help.empty() && error.code == "parse.expected_value" && at < text.size()) {
                std::string_view there = first_word(text, at);
                // `set min_muscles_per_limb 4`: a verb before the setting's name.
                bool verb = word == "set" || word == "change" || word == "update";
                std::size_t line_end = text.find('\n', at);
                std::string_view rest = text.substr(
                    at, (line_end == std::string_view::npos ? text.size() : line_end) - at);
                while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r'))
                    rest.remove_suffix(1);
                if (verb && !there.empty() && rest.size() > there.size())
                    error.help = fmt::format("to restate a setting, write its name and value, "
                                             "without `{}`: `{}`",
                                             word, rest);
                else if (text[at] == '-')
                    error.help = "a value here is a whole number from 0, written without a sign";
                else if (!there.empty() && std::isalpha(static_cast<unsigned char>(there[0])) &&
                         std::all_of(there.begin(), there.end(),
                                     [](char c) {
                                         return std::isalnum(static_cast<unsigned char>(c)) ||
                                                c == '_';
                                     }) &&
                         !vocabulary::is_reserved(there))
                    error.help = fmt::format("a text is written in quotes: \"{}\"", there);
            }
            Diagnostic& d = report(diagnostics, file, error);
            Location began = source.locate(static_cast<std::uint32_t>(start));
            // Named by its first word up to any punctuation: `def"x" = 1` is a `def`.
            auto letters = static_cast<std::size_t>(
                std::find_if_not(word.begin(), word.end(),
                                 [](char c) {
                                     return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                                 }) -
                word.begin());
            std::string_view named = letters > 0 ? word.substr(0, letters) : word;
            d.notes.push_back(
                fmt::format("in the declaration `{}` that begins at line {}", named, began.line));
            // Resume at the line the error is on when it starts a declaration (the error
            // was that the previous one ended early), else at the next one.
            offset = next_declaration_start(text, std::max(error.byte, start + 1) - 1);
        }
    }
    collect_comments(text, policy);
    return policy;
}

} // namespace cpl
