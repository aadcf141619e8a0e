/* links.c — see links.h. */
#include "links.h"

#include "check.h"

#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* The scheme an href starts with ("mailto" of "mailto:x"), its length; 0 if none. */
static size_t scheme_length(const char *href)
{
    size_t i = 0;
    if (!((href[0] >= 'a' && href[0] <= 'z') || (href[0] >= 'A' && href[0] <= 'Z')))
        return 0;
    while (href[i] && (href[i] == '+' || href[i] == '-' || href[i] == '.' ||
                       (href[i] >= '0' && href[i] <= '9') || (href[i] >= 'a' && href[i] <= 'z') ||
                       (href[i] >= 'A' && href[i] <= 'Z')))
        i++;
    return href[i] == ':' ? i : 0;
}

/* Lowercase the host (and drop a default port): the URL's one spelling. No fragment is
 * left to drop: the href lost it before joining, and a join takes the href's (RFC 3986
 * §5.2.2). */
static char *normalize(CURLU *u)
{
    char *host = NULL, *out = NULL;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        return NULL;
    bool upper = false;
    for (char *p = host; *p; p++)
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
            upper = true;
        }
    if (upper)
        curl_url_set(u, CURLUPART_HOST, host, 0);
    curl_free(host);
    char *url = NULL;
    if (curl_url_get(u, CURLUPART_URL, &url, CURLU_NO_DEFAULT_PORT) == CURLUE_OK)
        out = xstrdup(url);
    curl_free(url);
    return out;
}

/* Only http and https pages are followed. */
static bool scheme_is_web(CURLU *u)
{
    char *scheme = NULL;
    bool web = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
               (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    curl_free(scheme);
    return web;
}

/* href (as written) joined with the parsed base, or, without a base, parsed alone: NULL
 * if it is not a page to follow. */
static char *join(CURLU *base, const char *href)
{
    while (is_ascii_space(*href))
        href++;
    size_t n = strlen(href);
    while (n > 0 && is_ascii_space(href[n - 1]))
        n--;
    size_t cut = strcspn(href, "#"); /* the fragment goes before joining */
    if (cut < n)
        n = cut;
    if (n == 0)
        return NULL; /* "#top" (or nothing): this same page */
    size_t scheme = scheme_length(href);
    if (scheme && !((scheme == 4 && strncasecmp(href, "http", 4) == 0) ||
                    (scheme == 5 && strncasecmp(href, "https", 5) == 0)))
        return NULL; /* mailto:, javascript:, tel:, ftp: ... */
    char *clean = xmalloc(n + 1);
    memcpy(clean, href, n);
    clean[n] = '\0';
    CURLU *u = base ? curl_url_dup(base) : curl_url();
    char *out = NULL;
    if (curl_url_set(u, CURLUPART_URL, clean, CURLU_URLENCODE) == CURLUE_OK && scheme_is_web(u))
        out = normalize(u);
    curl_url_cleanup(u);
    free(clean);
    return out;
}

/* The base URL parsed once for all the links of a page, or NULL if it does not parse. */
static CURLU *parse_base(const char *base)
{
    CURLU *u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK)
        return u;
    curl_url_cleanup(u);
    return NULL;
}

char *links_join(const char *base, const char *href)
{
    CURLU *b = parse_base(base);
    char *out = b ? join(b, href) : NULL;
    curl_url_cleanup(b);
    return out;
}

char *url_key(const char *url)
{
    return join(NULL, url);
}

char *url_host_port(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *out = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        size_t len = strlen(host) + strlen(port) + 2;
        out = xmalloc(len);
        snprintf(out, len, "%s:%s", host, port);
        for (char *p = out; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

bool links_is_html(const char *content_type)
{
    if (!content_type)
        return false;
    size_t n = strcspn(content_type, "; ");
    return (n == 9 && strncasecmp(content_type, "text/html", 9) == 0) ||
           (n == 21 && strncasecmp(content_type, "application/xhtml+xml", 21) == 0);
}

static void add_unique(struct links *l, char *url)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->url[i], url) == 0) {
            free(url);
            return;
        }
    if (l->count == l->cap)
        l->url = grow_array(l->url, &l->cap, l->count + 1, sizeof *l->url, "links: url");
    l->url[l->count++] = url;
}

/* Depth first through the elements; comments, text and script bodies are not elements. */
static void walk(xmlNode *node, CURLU *base, struct links *out)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcasecmp(node->name, BAD_CAST "a") == 0) {
            xmlChar *href = xmlGetProp(node, BAD_CAST "href");
            char *url = href ? join(base, (const char *)href) : NULL;
            if (url)
                add_unique(out, url);
            xmlFree(href);
        }
        walk(node->children, base, out);
    }
}

/* The first <base href> element's href, or NULL (free with xmlFree). */
static xmlChar *find_base(xmlNode *node)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcasecmp(node->name, BAD_CAST "base") == 0) {
            xmlChar *href = xmlGetProp(node, BAD_CAST "href");
            if (href)
                return href;
        }
        xmlChar *found = find_base(node->children);
        if (found)
            return found;
    }
    return NULL;
}

void links_extract(const char *html, size_t len, const char *base_url, struct links *out)
{
    *out = (struct links){0};
    htmlDocPtr doc = htmlReadMemory(html, (int)len, base_url, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET);
    if (!doc)
        return;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlChar *base_href = find_base(root);
    char *base = base_href ? links_join(base_url, (const char *)base_href) : NULL;
    CURLU *parsed = parse_base(base ? base : base_url);
    if (parsed)
        walk(root, parsed, out);
    curl_url_cleanup(parsed);
    free(base);
    xmlFree(base_href);
    xmlFreeDoc(doc);
}

void links_free(struct links *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->url[i]);
    free(l->url);
    *l = (struct links){0};
}

void links_cleanup(void)
{
    xmlCleanupParser();
}
