#!/usr/bin/perl
# Builds the small MMDB files the enrichment tests need (City-like, ASN-like and a site
# database for custom field mappings) into the directory given as the only argument.
# Exits 0 without writing anything when MaxMind::DB::Writer is not installed, so the tests
# that need the files skip.
use strict;
use warnings;

my $dir = shift or die "usage: $0 OUTDIR\n";
eval { require MaxMind::DB::Writer::Tree; 1 } or do {
    print "MaxMind::DB::Writer not installed: no test databases\n";
    exit 0;
};

my %types = (
    city => 'map', continent => 'map', country => 'map', location => 'map',
    subdivisions => ['array', 'map'], names => 'map', en => 'utf8_string',
    code => 'utf8_string', iso_code => 'utf8_string', latitude => 'double',
    longitude => 'double', autonomous_system_number => 'uint32',
    autonomous_system_organization => 'utf8_string', organization => 'map',
    name => 'utf8_string',
);

sub write_db {
    my ($file, $type, $networks) = @_;
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version => 6, record_size => 24, database_type => $type, languages => ['en'],
        description => { en => "flowdex test database $type" },
        map_key_type_callback => sub { $types{ $_[0] } },
        remove_reserved_networks => 0,
    );
    for (my $i = 0; $i < @$networks; $i += 2) {
        $tree->insert_network($networks->[$i], $networks->[$i + 1]);
    }
    open my $fh, '>:raw', "$dir/$file" or die "$dir/$file: $!\n";
    $tree->write_tree($fh);
    close $fh;
}

sub place {
    my ($cc, $country, $cont, $city, $region, $lat, $lon) = @_;
    my %r = (
        continent => { code => $cont, names => { en => $cont } },
        country => { iso_code => $cc, names => { en => $country } },
    );
    $r{city} = { names => { en => $city } } if defined $city;
    $r{subdivisions} = [ { names => { en => $region } } ] if defined $region;
    $r{location} = { latitude => $lat, longitude => $lon } if defined $lat;
    return \%r;
}

write_db('enrich-city.mmdb', 'flowdex-Test-City', [
    '8.8.8.0/24' => place('US', 'United States', 'NA', 'Mountain View', 'California', 37.386,
                          -122.0838),
    '2001:db8:1::/48' => place('SE', 'Sweden', 'EU', 'Stockholm', 'Stockholm County', 59.3247,
                               18.056),
    '198.51.100.0/24' => place('CA', 'Canada', 'NA', undef, undef, 43.6532, -79.3832),
    # Two networks inside one /24, and a /16: what the network cache may and may not share.
    '203.0.113.0/28' => place('NO', 'Norway', 'EU', 'Oslo', undef, 59.91, 10.75),
    '203.0.113.16/28' => place('FI', 'Finland', 'EU', 'Helsinki', undef, 60.17, 24.94),
    '100.64.0.0/16' => place('DE', 'Germany', 'EU', 'Berlin', undef, 52.52, 13.40),
]);
write_db('enrich-asn.mmdb', 'flowdex-Test-ASN', [
    '8.8.8.0/24' => { autonomous_system_number => 15169,
                      autonomous_system_organization => 'Google LLC' },
    '2001:db8:1::/48' => { autonomous_system_number => 1299,
                           autonomous_system_organization => 'Arelion Sweden AB' },
]);
write_db('enrich-site.mmdb', 'flowdex-Test-Site', [
    '8.8.8.0/24' => { organization => { name => 'Public Resolver' } },
    '192.168.0.0/16' => { organization => { name => 'Lab LAN' } },
    '100.64.7.0/25' => { organization => { name => 'Small Site' } },
]);
print "wrote $dir/enrich-{city,asn,site}.mmdb\n";
