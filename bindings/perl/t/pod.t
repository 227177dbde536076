# Crypt::LibSCEP's POD is well formed and documents every function.

use strict;
use warnings;

use Test::More;
use B;
use Pod::Checker;
use Crypt::LibSCEP;

my $file = $INC{'Crypt/LibSCEP.pm'};
my $checker = Pod::Checker->new(-warnings => 2);
open my $null, '>', '/dev/null' or die $!;
$checker->parse_from_file($file, $null);
is($checker->num_errors(), 0, 'POD without errors');
is($checker->num_warnings(), 0, 'POD without warnings');

my $pod = do { local (@ARGV, $/) = ($file); <> };
my %documented = map { $_ => 1 }
                 map { split /,\s*/ } $pod =~ /^=(?:head2|item)\s+(.*)$/mg;

no strict 'refs';
# The module's own functions, not the ones it imports.
my @functions = sort grep {
    !/^_/ && defined &{"Crypt::LibSCEP::$_"}
        && B::svref_2object(\&{"Crypt::LibSCEP::$_"})->GV->STASH->NAME
           eq 'Crypt::LibSCEP'
} keys %Crypt::LibSCEP::;
ok(@functions >= 26, scalar(@functions) . ' functions');
ok($documented{$_}, "$_ is documented") for @functions;

done_testing();
