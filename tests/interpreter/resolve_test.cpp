// tests/interpreter/resolve_test.cpp — the one search order for a policy named by `extends`,
// a test expectation or the command line (interpreter/load/resolve.hpp).
#include "../helpers.hpp"
#include "../scratch.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace cpl;
namespace fs = std::filesystem;

namespace {

// root/base.cpl, root/shared/shared.cpl, root/a/near.cpl, root/a/b/near.cpl, root/a/b/x.cpl
fs::path make_tree() {
    fs::path root = cpl::test::fresh_dir("resolve");
    fs::create_directories(root / "a" / "b");
    fs::create_directories(root / "shared");
    for (const char* file :
         {"base.cpl", "shared/shared.cpl", "a/near.cpl", "a/b/near.cpl", "a/b/x.cpl"})
        std::ofstream(root / file) << "policy p\n";
    return root;
}

} // namespace

TEST_CASE("resolve: standard, paths, then names from the naming file's directory upwards") {
    fs::path root = make_tree();
    fs::path b = root / "a" / "b";
    CHECK(resolve_policy("standard", b) == standard_policy_path);
    // A path is relative to the directory that names it.
    CHECK(resolve_policy("x.cpl", b) == (b / "x.cpl").string());
    CHECK(resolve_policy("x", b, true) == std::nullopt); // quoted: a path, and no file `x`
    CHECK(resolve_policy((root / "base.cpl").string(), {}) == (root / "base.cpl").string());
    CHECK(resolve_policy("../near.cpl", b) == (b / "../near.cpl").string());
    CHECK(resolve_policy("missing.cpl", b) == std::nullopt);
    // A name: the nearest directory wins; NAME/NAME.cpl counts; the walk goes up to the root.
    CHECK(resolve_policy("near", b) == (b / "near.cpl").string());
    CHECK(resolve_policy("near", root / "a") == (root / "a" / "near.cpl").string());
    CHECK(resolve_policy("base", b) == (root / "base.cpl").string());
    CHECK(resolve_policy("shared", b) == (root / "shared" / "shared.cpl").string());
    CHECK(resolve_policy("no_such_policy_anywhere", b) == std::nullopt);
}

TEST_CASE("resolve: a relative directory is walked as the directory it stands for") {
    fs::path root = make_tree();
    fs::path cwd = fs::current_path();
    fs::current_path(root / "a" / "b");
    auto from_here = resolve_policy("base", {});
    auto from_a = resolve_policy("base", "..");
    fs::current_path(cwd);
    CHECK(from_here == "../../base.cpl");
    CHECK(from_a == "../../base.cpl");
}

TEST_CASE("resolve: policies/NAME.cpl under the current directory comes last") {
    fs::path cwd = fs::current_path();
    fs::current_path(cpl::test::source_root);
    auto found = resolve_policy("state_medicaid", make_tree() / "a");
    fs::current_path(cwd);
    CHECK(found == "policies/state_medicaid.cpl");
}
