// Native peer of binary_trees.wat: the same trees, the same order and the same checksum, each
// node its own malloc and every tree freed after its check (the usual C comparison for a GC
// benchmark). Only built natively (KERNEL(...) names it native_binary_trees).
#include <stdlib.h>

#include "bench.h"

struct node {
    struct node *left, *right;
};

// A full tree of the given depth, or NULL when memory ran out (the checksum then fails).
static struct node *bottom_up(i32 depth) {
    struct node *n = malloc(sizeof *n);
    if (!n) return NULL;
    n->left = n->right = NULL;
    if (depth > 0) {
        n->left = bottom_up(depth - 1);
        n->right = bottom_up(depth - 1);
    }
    return n;
}

static i32 check(const struct node *tree) {
    if (!tree) return 0;
    return tree->left ? 1 + check(tree->left) + check(tree->right) : 1;
}

static void release(struct node *tree) {
    if (!tree) return;
    release(tree->left);
    release(tree->right);
    free(tree);
}

// Checks and frees one tree.
static i64 check_and_release(struct node *tree) {
    i64 count = check(tree);
    release(tree);
    return count;
}

KERNEL(binary_trees) {
    i32 max = n > 6 ? n : 6;
    i64 sum = check_and_release(bottom_up(max + 1));
    struct node *long_lived = bottom_up(max);
    for (i32 depth = 4; depth <= max; depth += 2) {
        i32 iterations = 1 << (max - depth + 4);
        for (i32 i = 0; i < iterations; i++) sum += check_and_release(bottom_up(depth));
    }
    return sum + check_and_release(long_lived);
}
