/*
 * Runs a fuzz target over files without libFuzzer, so that any compiler
 * (and valgrind) can replay the seed corpus and the hostile vectors as an
 * ordinary test.  Arguments are files or folders (read recursively).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

/* Targets without fixed inputs do not define it. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path, unsigned long *count)
{
    FILE *file = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;

    if (file == NULL || fseek(file, 0, SEEK_END) != 0 ||
        (size = ftell(file)) < 0 || fseek(file, 0, SEEK_SET) != 0 ||
        (data = malloc((size_t)size + 1)) == NULL ||
        fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (file != NULL)
            fclose(file);
        free(data);
        return -1;
    }
    fclose(file);

    LLVMFuzzerTestOneInput(data, (size_t)size);
    free(data);
    (*count)++;
    return 0;
}

static int run_path(const char *path, unsigned long *count)
{
    struct stat st;
    DIR *dir;
    struct dirent *entry;
    int rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s does not exist\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path, count);

    if ((dir = opendir(path)) == NULL)
        return -1;
    while ((entry = readdir(dir)) != NULL) {
        char child[4096];

        if (entry->d_name[0] == '.')
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
        if (run_path(child, count) != 0)
            rc = -1;
    }
    closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int i, rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++)
        if (run_path(argv[i], &count) != 0)
            rc = 1;
    printf("replay: %lu inputs, none crashed\n", count);
    return rc;
}
