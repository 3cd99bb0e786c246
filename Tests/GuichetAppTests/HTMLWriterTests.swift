import Foundation
import GuichetDomain
import Testing

@testable import GuichetApp

/// The rows the staff tables write in Swift: every value escaped as Leaf would, the markup fixed.
@Suite struct HTMLWriterTests {
    @Test func escapesTheFiveCharactersLeafEscapesAndNothingElse() {
        #expect(
            HTMLWriter.escaped(#"<a href="x">Tom & Jerry's</a>"#)
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(HTMLWriter.escaped("Économie sociale — 12 500,00 € ✓") == "Économie sociale — 12 500,00 € ✓")
        #expect(HTMLWriter.escaped("") == "")
        #expect(HTMLWriter.escaped("é<é") == "é&lt;é")
        #expect(HTMLWriter.escaped("&&") == "&amp;&amp;")
        // The same result as Leaf's own escaping, on every character of a hostile sample.
        let sample = "\"'><script>alert('x')</script>&amp; 👩‍👩‍👧 Aisne (02)"
        #expect(HTMLWriter.escaped(sample) == sample.htmlEscaped())
    }

    @Test func theQueueRowsEscapeEveryValue() {
        let hostile = "<img src=x onerror=alert(1)>"
        let row = QueuePage.Row(
            number: "HDF-2021-0001", title: hostile, organisation: "Tom & Jerry", call: "Appel <2021>",
            theme: "\"thème\"",
            territory: "Aisne (02)", status: "Déposé", requested: "12 000,00 €", filed: "16 avril 2021",
            assignee: "—", url: "/instruction/dossiers/x?a=1&b=2", simulated: true, score: "—",
            id: "f00d", labels: ["<b>urgent</b>"])
        let html = QueuePage.rowsHTML([row])
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("Tom &amp; Jerry"))
        #expect(html.contains("Appel &lt;2021&gt;"))
        #expect(html.contains("&quot;thème&quot;"))
        #expect(html.contains("href=\"/instruction/dossiers/x?a=1&amp;b=2\""))
        #expect(html.contains("fr-badge--warning fr-badge--no-icon\">simulé</span>"))
        #expect(
            html.contains(#"<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--info">Déposé</span>"#)
                == false)
        #expect(html.contains(#"<span class="fr-badge fr-badge--sm fr-badge--no-icon">Déposé</span>"#))
        #expect(html.contains(#"<li><span class="fr-tag fr-tag--sm">&lt;b&gt;urgent&lt;/b&gt;</span></li>"#))
        #expect(html.hasPrefix("<tr>") && html.hasSuffix("</tr>"))
        #expect(QueuePage.rowsHTML([]) == "")
    }

    @Test func aStatusIsABadgeColouredByWhereTheDossierStands() {
        #expect(
            BadgeTag.html("déposé")
                == #"<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--info">déposé</span>"#)
        #expect(BadgeTag.html("retenu").contains("fr-badge--success"))
        #expect(BadgeTag.html("incomplet").contains("fr-badge--warning"))
        #expect(BadgeTag.html("rejeté").contains("fr-badge--error"))
        #expect(
            BadgeTag.html("brouillon") == #"<span class="fr-badge fr-badge--sm fr-badge--no-icon">brouillon</span>"#)
        #expect(BadgeTag.html("<b>ouverte</b>").contains("&lt;b&gt;ouverte&lt;/b&gt;"))
        for status in DossierStatus.allCases { #expect(DossierStatus.byLabel[status.label] == status) }
    }

    @Test func theBoardRowsCarryTheStagingFormOnlyForAPresentMember() {
        let row = BoardPage.Row(
            id: "d1", rank: 3, number: "N-3", title: "Jardin <partagé>", organisation: "Les \"Amis\"",
            theme: "Alimentation", territory: "Nord (59)", requested: "5 000,00 €", score: "78,00 (±2,00)",
            opinion: "Favorable, 5 000,00 €", staged: "Retenu, 4 000,00 €", runningTotal: "9 000,00 €",
            remainingAfter: "-1 000,00 €", over: true, recused: "Mme <X>", simulated: false, amount: "4000,00",
            outcome: "waiting_list", motive: "trop' cher")
        let withoutForm = BoardPage.rowsHTML([row], form: nil)
        #expect(withoutForm.hasPrefix("<tr class=\"over\">"))
        #expect(withoutForm.contains("Jardin &lt;partagé&gt;"))
        #expect(withoutForm.contains("Les &quot;Amis&quot;"))
        #expect(withoutForm.contains("Déport : Mme &lt;X&gt;"))
        #expect(
            withoutForm.contains(
                #"<span class="fr-badge fr-badge--sm fr-badge--error fr-badge--no-icon">dépassé</span>"#))
        #expect(!withoutForm.contains("<form"))
        let form = BoardPage.StagingForm(
            csrf: "t\"k", stageURL: "/stage", unstageURL: "/unstage", returnURL: "/comite/x?theme=a&page=2")
        let withForm = BoardPage.rowsHTML([row], form: form)
        #expect(withForm.components(separatedBy: "<form").count - 1 == 2)
        #expect(withForm.contains("value=\"t&quot;k\""))
        #expect(withForm.contains("value=\"/comite/x?theme=a&amp;page=2\""))
        #expect(withForm.contains("<option value=\"waiting_list\" selected>Liste d'attente</option>"))
        #expect(withForm.contains("<option value=\"retained\">Retenu</option>"))
        #expect(withForm.contains("value=\"trop&#39; cher\""))
        let unstaged = BoardPage.Row(
            id: "d2", rank: 4, number: "N-4", title: "t", organisation: "o", theme: "t", territory: "t",
            requested: "1", score: "—", opinion: "—", staged: nil, runningTotal: "1", remainingAfter: "1",
            over: false, recused: nil, simulated: true, amount: "1", outcome: "retained", motive: "")
        let one = BoardPage.rowsHTML([unstaged], form: form)
        #expect(one.components(separatedBy: "<form").count - 1 == 1)
        #expect(one.contains("<td>—</td>"))
        #expect(one.contains("simulé"))
    }

    @Test func theEnvelopeLinesAndTheFiltersOptionsEscapeEveryValue() {
        let lines = BoardPage.envelopesHTML([
            BoardPage.EnvelopeRow(
                label: "<script>x</script> & co", depth: 0, current: "1 000 €", committed: "0 €", proposed: "0 €",
                remainingAfter: "1 000 €", over: false),
            BoardPage.EnvelopeRow(
                label: "Aisne", depth: 1, current: "0 €", committed: "0 €", proposed: "10 €", remainingAfter: "0 €",
                over: true),
        ])
        #expect(!lines.contains("<script>"))
        #expect(lines.contains("<th scope=\"row\">&lt;script&gt;x&lt;/script&gt; &amp; co</th>"))
        #expect(lines.components(separatedBy: "<tr>").count - 1 == 2)
        #expect(lines.components(separatedBy: "dépassement").count - 1 == 1)
        let options = HTMLWriter.options([
            (value: "", label: "Tous", selected: false), (value: "a\"b", label: "<i>Nord</i>", selected: true),
        ])
        #expect(
            options
                == "<option value=\"\">Tous</option><option value=\"a&quot;b\" selected>&lt;i&gt;Nord&lt;/i&gt;</option>"
        )
    }
}
