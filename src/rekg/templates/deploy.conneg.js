// rekg: content negotiation for nginx's njs module. extension(r) reads the Accept header
// (RFC 9110: media ranges, q-values, wildcards, more specific ranges first) and returns
// the extension of the best representation: html, ttl, jsonld or nt; "" when none fits.

var OFFERS = [
    // [media type, extension, source quality: breaks ties, HTML first for browsers]
    ['text/html', 'html', 1.0],
    ['text/turtle', 'ttl', 0.9],
    ['application/ld+json', 'jsonld', 0.8],
    ['application/n-triples', 'nt', 0.7]
];

function parse(header) {
    var ranges = [];
    var parts = (header || '*/*').split(',');
    for (var i = 0; i < parts.length; i++) {
        var params = parts[i].split(';');
        var range = params[0].trim().toLowerCase();
        if (!range) { continue; }
        var q = 1.0;
        for (var j = 1; j < params.length; j++) {
            var kv = params[j].split('=');
            if (kv[0].trim().toLowerCase() === 'q') {
                q = parseFloat(kv[1]);
                if (isNaN(q)) { q = 0; }
            }
        }
        ranges.push([range, q]);
    }
    return ranges;
}

function quality(ranges, type) {
    // The most specific matching range decides: type/subtype, then type/*, then */*.
    var best = -1, specificity = -1;
    var major = type.split('/')[0];
    for (var i = 0; i < ranges.length; i++) {
        var range = ranges[i][0], s = -1;
        if (range === type) { s = 2; }
        else if (range === major + '/*') { s = 1; }
        else if (range === '*/*') { s = 0; }
        if (s > specificity) { specificity = s; best = ranges[i][1]; }
    }
    return best < 0 ? 0 : best;
}

function choose(header) {
    var ranges = parse(header), best = '', score = 0;
    for (var i = 0; i < OFFERS.length; i++) {
        var value = quality(ranges, OFFERS[i][0]) * OFFERS[i][2];
        if (value > score) { score = value; best = OFFERS[i][1]; }
    }
    return best;
}

function extension(r) {
    return choose(r.headersIn['Accept']);
}

export default { extension: extension, choose: choose };
