/*
 * scep: enroll with a SCEP server and explain SCEP messages.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

const char cli_exit_codes_help[] =
    "exit codes:\n"
    "  0  success\n"
    "  1  usage error (unknown command or option, missing argument)\n"
    "  2  bad input or local error (unreadable file, malformed or\n"
    "     unverifiable message, nonce or transactionID mismatch)\n"
    "  3  network or HTTP error (connection failed, HTTP status not 2xx)\n"
    "  4  the server answered FAILURE (its failInfo is printed)\n"
    "  5  the request was still PENDING when --max-wait ran out\n";

static const char main_help[] =
    "usage: scep COMMAND [OPTIONS] ...\n"
    "\n"
    "commands:\n"
    "  getcaps URL             print the server's capabilities\n"
    "  getca URL [--out FILE]  fetch the CA/RA certificates\n"
    "  enroll URL --key KEY --csr CSR --out CERT [--cert SIGNER]\n"
    "                          request a certificate\n"
    "  decode FILE [--key KEY --cert CERT] [--ca CA]\n"
    "                          print every field of a SCEP message\n"
    "\n"
    "Run \"scep COMMAND --help\" for the options of a command.\n"
    "\n";

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"getcaps", cmd_getcaps},
    {"getca", cmd_getca},
    {"enroll", cmd_enroll},
    {"decode", cmd_decode},
    {NULL, NULL}
};

static int run_command(const struct command *cmd, int argc, char **argv)
{
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cli_error("cannot initialise libcurl");
        return CLI_LOCAL;
    }
    rc = cmd->run(argc, argv);
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    int i;

    if (argc < 2) {
        fprintf(stderr, "%s%s", main_help, cli_exit_codes_help);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        printf("%s%s", main_help, cli_exit_codes_help);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("scep %s\n", scep_version());
        return CLI_OK;
    }

    for (i = 0; commands[i].name != NULL; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return run_command(&commands[i], argc - 1, argv + 1);

    cli_error("unknown command \"%s\"", argv[1]);
    fprintf(stderr, "%s", main_help);
    return CLI_USAGE;
}
