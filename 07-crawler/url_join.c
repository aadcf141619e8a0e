/*
 * url_join.c — how a crawler turns an href into a URL: libcurl's URL API (CURLU) against
 * RFC 3986 §5.4's examples, and the hrefs a real page holds.
 *
 * A3 「构建高性能爬虫」 writes `urljoin(base_url, link['href'])` and
 * `urlparse(absolute_url).netloc`. Here links_join() (links.h) does the same with CURLU,
 * plus what a crawler needs on top: whitespace stripped, fragments dropped, only http
 * and https, the host lowercased. Watch: the table of RFC 3986 §5.4 runs against the
 * libcurl installed here; with 7.88.1, "#s" and "" differ from the RFC (fixed in later
 * versions) — and a crawler drops fragments before joining, so neither reaches it.
 * Then the links libxml2 finds in a page with traps: none from the comment or script.
 *
 *     url_join BASE HREF...         joins each HREF with BASE, one line each
 */
#include "links.h"

#include "args.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Raw CURLU, as the RFC table needs it (links_join drops fragments and other schemes). */
static char *curlu_join(const char *base, const char *href)
{
    CURLU *u = curl_url();
    char *joined = NULL, *out = NULL;
    if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, href, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &joined, 0) == CURLUE_OK)
        out = strdup(joined);
    curl_free(joined);
    curl_url_cleanup(u);
    return out;
}

static void rfc_table(void)
{
    static const char *const cases[][2] = {
        {"g", "http://a/b/c/g"},         {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},       {"/g", "http://a/g"},
        {"//g", "http://g/"},            {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},     {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},     {";x", "http://a/b/c/;x"},
        {"", "http://a/b/c/d;p?q"},      {".", "http://a/b/c/"},
        {"..", "http://a/b/"},           {"../g", "http://a/b/g"},
        {"../../g", "http://a/g"},       {"../../../g", "http://a/g"},
        {"/./g", "http://a/g"},          {"g.", "http://a/b/c/g."},
        {"g/../h", "http://a/b/c/h"},    {"g;x=1/../y", "http://a/b/c/y"},
    };
    const char *base = "http://a/b/c/d;p?q";
    printf("RFC 3986 §5.4, base %s, libcurl %s:\n", base, curl_version_info(CURLVERSION_NOW)->version);
    int differ = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = curlu_join(base, cases[i][0]);
        bool same = got && strcmp(got, cases[i][1]) == 0;
        differ += !same;
        printf("  %-12s -> %-24s %s%s\n", *cases[i][0] ? cases[i][0] : "\"\"", got ? got : "(refused)",
               same ? "as the RFC" : "the RFC says ", same ? "" : cases[i][1]);
        free(got);
    }
    printf("%d of %zu differ from the RFC\n\n", differ, sizeof cases / sizeof cases[0]);
}

static void crawler_hrefs(void)
{
    static const char *const hrefs[] = {
        "page/7", " /page/4#part-3 ", "#top", "mailto:web@example.com", "javascript:void(0)",
        "//CDN.Example.COM:80/x", "HTTP://X.COM:80/%7Euser/", "a b.html", "ftp://x/y", "?z=2",
    };
    const char *base = "http://127.0.0.1:8080/page/3";
    printf("a crawler's joins (links_join), base %s:\n", base);
    for (size_t i = 0; i < sizeof hrefs / sizeof hrefs[0]; i++) {
        char *url = links_join(base, hrefs[i]);
        printf("  %-26s -> %s\n", hrefs[i], url ? url : "(not followed)");
        free(url);
    }
    static const char page[] =
        "<html><body><a href=\"/a\">a</a><!-- <a href=\"/in-comment\">x</a> -->"
        "<script>var s = '<a href=\"/in-script\">';</script><p>text <a href=/b>b</a>"
        "<a href=\"/a#again\">a again</a></body></html>";
    struct links l;
    links_extract(page, sizeof page - 1, base, &l);
    printf("\nlinks libxml2 finds in a page with a link in a comment and one in a script:\n");
    for (size_t i = 0; i < l.count; i++)
        printf("  %s\n", l.url[i]);
    links_free(&l);
}

int main(int argc, char **argv)
{
    bool quick = false;
    const struct opt opts[] = {OPT_QUICK(&quick), OPT_END};
    int first_href = 1;
    while (first_href < argc && argv[first_href][0] == '-')
        first_href++;
    args_parse(first_href, argv, "Join hrefs with a base URL as the crawler does (url_join BASE "
                                 "HREF...); alone, RFC 3986's examples and a page's traps.", opts);
    curl_global_init(CURL_GLOBAL_ALL);
    if (first_href + 1 < argc) {
        for (int i = first_href + 1; i < argc; i++) {
            char *url = links_join(argv[first_href], argv[i]);
            printf("%s\n", url ? url : "(not followed)");
            free(url);
        }
    } else {
        rfc_table();
        crawler_hrefs();
    }
    links_cleanup();
    curl_global_cleanup();
    return 0;
}
