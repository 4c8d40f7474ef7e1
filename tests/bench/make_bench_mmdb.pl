#!/usr/bin/perl
# Builds two MMDBs the size of real ones' trees for the enrichment benchmark: a City-like and an
# ASN-like database whose networks (/20 to /24, NETWORKS of each) are spread over all of IPv4,
# so that almost every /16 holds some and its lookups walk the tree below /16 (the MaxMind test
# databases are tiny: most of their lookups end in the first levels). Deterministic (fixed
# seed). Usage: make_bench_mmdb.pl OUTDIR [NETWORKS]
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $dir = shift or die "usage: $0 OUTDIR [NETWORKS]\n";
my $count = shift // 200000;
srand(20261206);

my %types = (
    city => 'map', continent => 'map', country => 'map', location => 'map',
    subdivisions => ['array', 'map'], names => 'map', en => 'utf8_string',
    code => 'utf8_string', iso_code => 'utf8_string', latitude => 'double',
    longitude => 'double', autonomous_system_number => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

sub tree {
    my ($type) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version => 6, record_size => 28, database_type => $type, languages => ['en'],
        description => { en => "flowdex benchmark database $type" },
        map_key_type_callback => sub { $types{ $_[0] } },
        remove_reserved_networks => 0,
        merge_strategy => 'none',
    );
}

sub random_network {
    my $len = 20 + int(rand(5));
    my $a = int(rand(2**32)) & ~((1 << (32 - $len)) - 1);
    return sprintf("%d.%d.%d.%d/%d", $a >> 24, ($a >> 16) & 255, ($a >> 8) & 255, $a & 255,
                   $len);
}

my @cc = qw(US DE FR GB JP BR IN CN SE NO FI CA AU ZA NG AR MX ES IT NL);
my $city = tree('flowdex-Bench-City');
my $asn = tree('flowdex-Bench-ASN');
for my $i (1 .. $count) {
    my $c = int(rand(5000));
    my $country = $cc[$c % @cc];
    $city->insert_network(random_network(), {
        continent => { code => 'EU', names => { en => 'Europe' } },
        country => { iso_code => $country, names => { en => "Country $country" } },
        city => { names => { en => "City $c" } },
        subdivisions => [ { names => { en => "Region " . ($c % 300) } } ],
        location => { latitude => ($c % 180) - 90 + 0.25, longitude => ($c % 360) - 180 + 0.5 },
    });
    my $as = 1000 + int(rand(3000));
    $asn->insert_network(random_network(), {
        autonomous_system_number => $as,
        autonomous_system_organization => "Network Operator $as",
    });
}
for my $pair ([$city, 'bench-city.mmdb'], [$asn, 'bench-asn.mmdb']) {
    open my $fh, '>:raw', "$dir/$pair->[1]" or die "$dir/$pair->[1]: $!\n";
    $pair->[0]->write_tree($fh);
    close $fh;
}
print "wrote $dir/bench-city.mmdb and $dir/bench-asn.mmdb ($count networks each)\n";
