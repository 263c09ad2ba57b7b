package dev.berth.dial;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers chosen by the test, per family; a family with no answer set never answers. */
final class FakeResolver implements Resolver {

    private final Map<Family, List<InetAddress>> answers = new EnumMap<>(Family.class);
    final List<CompletableFuture<List<InetAddress>>> queries = new CopyOnWriteArrayList<>();

    FakeResolver answer(Family family, String... ips) {
        List<InetAddress> list = new ArrayList<>();
        for (String ip : ips) {
            list.add(InetAddress.ofLiteral(ip));
        }
        answers.put(family, list);
        return this;
    }

    FakeResolver unknown(Family family) {
        answers.put(family, null);
        return this;
    }

    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host, Family family) {
        CompletableFuture<List<InetAddress>> f = new CompletableFuture<>();
        queries.add(f);
        if (answers.containsKey(family)) {
            List<InetAddress> a = answers.get(family);
            if (a == null) {
                f.completeExceptionally(new UnknownHostException(host));
            } else {
                f.complete(a);
            }
        }
        return f;
    }
}
