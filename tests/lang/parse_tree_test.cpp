// tests/lang/parse_tree_test.cpp — cpl's parse-tree control (lang/parse_tree_control.hpp)
// builds the tree PEGTL's own parse_tree::parse builds, node for node, on every policy file
// of the repository: the standard set, the payers, and the golden tests (with their errors).
#include "../helpers.hpp"
#include "lang/grammar_errors.hpp"
#include "lang/parse.hpp"
#include "lang/parse_tree.hpp"
#include "lang/parse_tree_control.hpp"

#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/limit_depth.hpp>

using namespace cpl;

namespace {

namespace g = cpl::grammar;
namespace pegtl = tao::pegtl;

template <typename Rule> struct depth_guard : pegtl::limit_depth<max_parse_depth> {};
using Input = pegtl::memory_input<pegtl::tracking_mode::eager, pegtl::eol::lf_crlf>;

// Where each node is, what it is and what it holds, nested: two trees are the same when their
// descriptions are.
void describe(const detail::Node& n, std::string& out) {
    out += fmt::format("({} {}:{}:{}", n.is_root() ? "root" : n.type, n.m_begin.byte,
                       n.m_begin.line, n.m_begin.column);
    if (!n.is_root() && n.has_content()) out += fmt::format("-{}", n.m_end.byte);
    for (const auto& kid : n.children)
        describe(*kid, out);
    out += ")";
}

// The tree of `Rule` at `offset`, or how parsing it failed; `consumed` is where it stopped.
template <typename Rule, bool Ours>
std::string tree_at(const std::string& text, std::size_t offset, std::size_t& consumed) {
    Input in(text.data() + offset, text.data() + text.size(), "test", offset, 1, 1);
    std::string out;
    try {
        std::unique_ptr<detail::Node> root;
        if constexpr (Ours)
            root = detail::parse_tree<Rule, detail::selector, depth_guard, g::control>(in);
        else
            root = pegtl::parse_tree::parse<Rule, detail::Node, detail::selector, depth_guard,
                                            g::control>(in);
        if (root) describe(*root, out);
    } catch (const pegtl::parse_error& e) {
        out = fmt::format("error {} at {}", e.message(), e.positions().front().byte);
    }
    consumed = in.byte();
    return out;
}

// Both trees of every declaration of `text`, up to its first syntax error; returns how many
// declarations were compared.
int compare_trees(const std::string& text, const std::string& path) {
    INFO(path);
    std::size_t ours_end = 0, theirs_end = 0;
    std::string ours = tree_at<g::file_start, true>(text, 0, ours_end);
    REQUIRE(ours == tree_at<g::file_start, false>(text, 0, theirs_end));
    int declarations = 0;
    while (ours_end < text.size() && !ours.empty() && !ours.starts_with("error")) {
        std::size_t offset = ours_end;
        ours = tree_at<g::one_declaration, true>(text, offset, ours_end);
        REQUIRE(ours == tree_at<g::one_declaration, false>(text, offset, theirs_end));
        REQUIRE(ours_end == theirs_end);
        ++declarations;
    }
    return declarations;
}

} // namespace

TEST_CASE("the parse tree is PEGTL's, node for node, on every policy file of the repository") {
    int files = 0, declarations = 0;
    for (const char* dir : {"stdlib", "policies", "tests/golden", "tests/checker_corpus"})
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(test::source_root / dir)) {
            if (entry.path().extension() != ".cpl") continue;
            declarations += compare_trees(test::slurp(entry.path()), entry.path().string());
            ++files;
        }
    // The standard set alone has hundreds of declarations: all of them were compared.
    CHECK(files > 50);
    CHECK(declarations > 1000);
}

TEST_CASE("expressions fold to their operand, and keep a node where an operator joins two") {
    std::string text = "def a = 1\ndef b = 1 + 2 * 3 > 4 and not c or d\ndef e = f(g[1].h)\n";
    auto tree = [&](std::string_view def) {
        std::size_t offset = text.find(def), end = 0, theirs_end = 0;
        std::string ours = tree_at<g::one_declaration, true>(text, offset, end);
        CHECK(ours == tree_at<g::one_declaration, false>(text, offset, theirs_end));
        return ours;
    };
    // `1` alone: a number with no level of an expression above it.
    CHECK(tree("def a").find("grammar::sum") == std::string::npos);
    // `1 + 2 * 3`: a sum over a product (`2 * 3`, the sum's operand), under a comparison,
    // under `and`, under `or`.
    std::string b = tree("def b");
    for (const char* level : {"grammar::sum", "grammar::expect_sum_operand", "grammar::comparison",
                              "grammar::and_expr", "grammar::or_expr"})
        CHECK_THAT(b, Catch::Contains(level));
    CHECK(tree("def e").find("grammar::postfix") != std::string::npos);
}
